import Foundation

/// A trained model on disk: a Module's `state` (parameters and buffers, under their
/// PyTorch `state_dict` keys) as safetensors, with `ModelMetadata` in the header.
/// PyTorch reads it with `safetensors.torch.load_file` + `load_state_dict`.
public enum ModelFile {
    /// Writes `module`'s state and `metadata` to `url` atomically.
    /// `extraTensors` are stored beside the module's (a checkpoint's optimiser state).
    public static func save(_ module: Module, metadata: ModelMetadata, extraTensors: [String: Tensor] = [:],
                            to url: URL) throws {
        var tensors = extraTensors
        var dtypes: [String: SafeTensorsDType] = [:]
        for tensor in self.tensors(of: module) {
            tensors[tensor.key] = tensor.value
            if let dtype = tensor.dtype { dtypes[tensor.key] = dtype }
        }
        try SafeTensors(tensors: tensors, dtypes: dtypes, metadata: metadata.strings).write(to: url)
    }

    /// `module`'s state as a file stores it, with the dtype of any tensor not stored as F32.
    static func tensors(of module: Module) -> [(key: String, value: Tensor, dtype: SafeTensorsDType?)] {
        module.state.map { key, tensor in
            guard isCounter(key) else { return (key, tensor, nil) }
            // PyTorch keeps the count as an int64 scalar; store it that way so the
            // file loads into PyTorch unchanged.
            precondition(tensor.count == 1, "'\(key)' should hold one count, it has shape \(tensor.shape)")
            return (key, tensor.reshaped([]), .i64)
        }
    }

    /// Reads a model file: its metadata (checked to be a cbam model) and every tensor.
    public static func read(_ url: URL) throws -> (metadata: ModelMetadata, tensors: [String: Tensor]) {
        let file = try SafeTensors(contentsOf: url)
        let metadata = try ModelMetadata(strings: file.metadata, fileName: url.lastPathComponent)
        return (metadata, file.tensors)
    }

    /// A network of `configuration` (validated) with `tensors` loaded. The tensors'
    /// sizes are checked against the configuration's before the network is built, so a
    /// file whose metadata claims a larger network than its weights fills allocates nothing.
    public static func build(_ configuration: ModelConfiguration, loading tensors: [String: Tensor],
                             fileName: String) throws -> ImageClassifier {
        let stored = tensors.values.reduce(0) { $0 + $1.count }
        guard stored == configuration.stateCount else {
            throw ModelFileError(file: fileName, reason: "holds \(stored) values, but the network its metadata describes "
                                 + "has \(configuration.stateCount); the file does not fit its metadata")
        }
        let network = configuration.makeModel(seed: 0)
        try load(tensors, into: network, fileName: fileName)
        return network
    }

    /// Copies `tensors` into `module`'s parameters and buffers. The keys must match the
    /// module's exactly, every shape too, and every value must be finite (a NaN weight
    /// only makes NaN probabilities); otherwise nothing is copied and the error names the
    /// first offending key. `fileName` names the file in errors.
    public static func load(_ tensors: [String: Tensor], into module: Module, fileName: String) throws {
        func failure(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }
        let state = module.state
        try checkFits(tensors.mapValues(\.shape), module: module, fileName: fileName)
        if let key = firstNonFiniteKey(state.map { ($0.key, tensors[$0.key]!) }) {
            throw failure("'\(key)' holds values that are not finite numbers (NaN or infinity); the model cannot be used")
        }

        for (key, destination) in state {
            precondition(destination.layout == .plain, "'\(key)' should be a plain tensor")
            let source = tensors[key]!.reordered(to: .plain)
            destination.data.update(from: source.data, count: destination.count)
        }
    }

    /// Checks tensors of these shapes, by key, fill `module`'s parameters and buffers
    /// exactly (before any is read: the error names the first offending key).
    public static func checkFits(_ shapes: [String: [Int]], module: Module, fileName: String) throws {
        func failure(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }
        let state = module.state
        let expected = Set(state.map(\.key))

        let missing = state.map(\.key).filter { shapes[$0] == nil }.sorted()
        if let key = missing.first {
            throw failure("'\(key)' is missing\(andOthers(missing.count - 1)); the file does not fit this model")
        }
        let unexpected = shapes.keys.filter { !expected.contains($0) }.sorted()
        if let key = unexpected.first {
            throw failure("'\(key)' is not a tensor of this model\(andOthers(unexpected.count - 1))")
        }
        for (key, destination) in state {
            let source = shapes[key]!
            guard shapesMatch(source, destination.shape) else {
                throw failure("'\(key)' has shape \(source), the model expects \(destination.shape)")
            }
        }
    }

    /// Keys PyTorch stores as int64 counts (BatchNorm's batch counter).
    static func isCounter(_ key: String) -> Bool { key.hasSuffix("num_batches_tracked") }

    /// Equal shapes, or a scalar against a one-element vector: PyTorch accepts both
    /// for scalars, and our modules may keep the batch counter as [1].
    private static func shapesMatch(_ a: [Int], _ b: [Int]) -> Bool {
        a == b || (a.count <= 1 && b.count <= 1 && a.reduce(1, *) == 1 && b.reduce(1, *) == 1)
    }

    private static func andOthers(_ count: Int) -> String {
        count == 0 ? "" : " (and \(counted(count, "other")))"
    }
}
