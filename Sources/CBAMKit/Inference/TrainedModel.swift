import Foundation
import ImageCodecs

/// A model file made ready to use: its network with the weights loaded, its class
/// names and its preprocessing. What `classify`, `evaluate` and `attention` start from.
public final class TrainedModel {
    public let url: URL
    public let metadata: ModelMetadata
    public let network: ImageClassifier

    public var configuration: ModelConfiguration { metadata.configuration }
    public var classNames: [String] { metadata.classNames }
    public var preprocessing: Preprocessing { metadata.preprocessing }

    /// Reads and checks a model file; errors name the file and the reason.
    public convenience init(contentsOf url: URL) throws {
        var (metadata, tensors) = try ModelFile.read(url)
        // A training checkpoint classifies too: its optimiser state is not the model's.
        tensors = Checkpoint.modelTensors(tensors)
        metadata.extra[Checkpoint.stateKey] = nil
        let network = try ModelFile.build(metadata.configuration, loading: tensors, fileName: url.lastPathComponent)
        self.init(url: url, metadata: metadata, network: network)
    }

    /// A network already in memory (a training run's), with the metadata it will be saved with.
    public init(url: URL, metadata: ModelMetadata, network: ImageClassifier) {
        self.url = url
        self.metadata = metadata
        self.network = network
    }

    /// Class probabilities [N][classes] for a batch of images of any size.
    public func probabilities(_ images: [Image]) -> [[Float]] {
        guard !images.isEmpty else { return [] }
        return Self.softmaxRows(network.forward(preprocessing.batch(images), .inference))
    }

    /// Row-wise softmax of logits [N, K].
    public static func softmaxRows(_ logits: Tensor) -> [[Float]] {
        (0..<logits.shape[0]).map { r in
            let row = logits.row(r)
            let top = row.max()!
            let exps = row.map { Foundation.exp(Double($0 - top)) }
            let sum = exps.reduce(0, +)
            return exps.map { Float($0 / sum) }
        }
    }
}
