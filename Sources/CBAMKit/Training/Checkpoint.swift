import Foundation

/// A training run saved mid-way: a model file (it classifies like any other) that
/// also holds the optimiser's state under `optimizer.` keys and the run's
/// `TrainingState` as JSON in the metadata's `training_state`.
public enum Checkpoint {
    static let optimizerPrefix = "optimizer."
    static let stateKey = "training_state"

    /// The checkpoint path that goes with a model path: `m.safetensors` → `m.checkpoint.safetensors`.
    public static func url(forModel model: URL) -> URL {
        let base = model.pathExtension == "safetensors" ? model.deletingPathExtension() : model
        return base.appendingPathExtension("checkpoint.safetensors")
    }

    /// The model a checkpoint belongs to: `m.checkpoint.safetensors` → `m.safetensors`;
    /// nil for a file not named that way.
    public static func modelURL(forCheckpoint checkpoint: URL) -> URL? {
        let suffix = ".checkpoint.safetensors", name = checkpoint.lastPathComponent
        guard name.hasSuffix(suffix), name.count > suffix.count else { return nil }
        return checkpoint.deletingLastPathComponent().appendingPathComponent(name.dropLast(suffix.count) + ".safetensors")
    }

    public static func save(model: ImageClassifier, optimizer: Optimizer, state: TrainingState,
                            metadata: ModelMetadata, to url: URL) throws {
        var metadata = metadata
        metadata.extra[stateKey] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        let optimizerState = Dictionary(uniqueKeysWithValues: optimizer.state.map { (optimizerPrefix + $0.key, $0.tensor) })
        try ModelFile.save(model, metadata: metadata, extraTensors: optimizerState, to: url)
    }

    public struct Loaded {
        public var metadata: ModelMetadata
        public var state: TrainingState
        public var modelTensors: [String: Tensor]
        public var optimizerState: [String: Tensor]
    }

    public static func load(_ url: URL) throws -> Loaded {
        let (metadata, tensors) = try ModelFile.read(url)
        guard let json = metadata.extra[stateKey] else {
            throw ModelFileError(file: url.lastPathComponent,
                                 reason: "is a model file, not a training checkpoint (resume from the .checkpoint.safetensors file)")
        }
        let state: TrainingState
        do { state = try JSONDecoder().decode(TrainingState.self, from: Data(json.utf8)) } catch {
            throw ModelFileError(file: url.lastPathComponent, reason: "its training state cannot be read (\(error))")
        }
        guard state.options.model == metadata.configuration else {
            throw ModelFileError(file: url.lastPathComponent, reason: "its training state describes another network than its metadata")
        }
        do { try state.options.validate() } catch {
            throw ModelFileError(file: url.lastPathComponent, reason: "its training state is out of bounds: \(error)")
        }
        var metadataWithoutState = metadata
        metadataWithoutState.extra[stateKey] = nil
        return Loaded(metadata: metadataWithoutState, state: state,
                      modelTensors: modelTensors(tensors),
                      optimizerState: Dictionary(uniqueKeysWithValues: tensors.compactMap { key, tensor in
                          key.hasPrefix(optimizerPrefix) ? (String(key.dropFirst(optimizerPrefix.count)), tensor) : nil
                      }))
    }

    /// A file's tensors without any optimiser state: what a model loads.
    static func modelTensors(_ tensors: [String: Tensor]) -> [String: Tensor] {
        tensors.filter { !$0.key.hasPrefix(optimizerPrefix) }
    }
}
