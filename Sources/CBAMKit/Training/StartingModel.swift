import Foundation

/// The model file a fine-tuning run starts from (`cbam train DIR --init MODEL`): its
/// network, weights and normalisation carry over; the classifier head is kept when the
/// folder's classes are the file's (same names, same order) and freshly initialised
/// otherwise, as torchvision's and timm's fine-tuning recipes replace `fc`.
public struct StartingModel {
    public let url: URL
    public let metadata: ModelMetadata
    public let tensors: [String: Tensor]

    public var fileName: String { url.lastPathComponent }

    /// Reads and checks the file (a cbam model whose tensors fit its metadata).
    public init(contentsOf url: URL) throws {
        (metadata, tensors) = try ModelFile.read(url)
        self.url = url
        _ = try ModelFile.build(metadata.configuration, loading: tensors, fileName: url.lastPathComponent)
    }

    /// The new run's network: the file's, for `classes` classes, at `imageSize` (a CNN
    /// takes any size; a ViT's position embedding fixes its own).
    public func configuration(classes: Int, imageSize: Int?) throws -> ModelConfiguration {
        var configuration = metadata.configuration
        configuration.classes = classes
        if let imageSize, imageSize != configuration.imageSize {
            guard configuration.architecture.isResNet else {
                throw ModelFileError(file: fileName, reason: "is a ViT for \(configuration.imageSize)-pixel images (its position "
                                     + "embedding fixes the size); fine-tune it at --image-size \(configuration.imageSize)")
            }
            configuration.imageSize = imageSize
        }
        return configuration
    }

    /// Whether the file's classifier head carries over: the same classes in the same order.
    public func keepsHead(for classNames: [String]) -> Bool { classNames == metadata.classNames }

    /// A network of `configuration` (from `configuration(classes:imageSize:)`) with the
    /// file's weights; a head initialised from `seed` unless `keepsHead(for: classNames)`.
    public func network(_ configuration: ModelConfiguration, classNames: [String], seed: UInt64) throws -> ImageClassifier {
        let network = configuration.makeModel(seed: seed)
        let keep = keepsHead(for: classNames)
        let fresh = Dictionary(uniqueKeysWithValues: network.state.filter { $0.key.hasKeyPrefix(in: [configuration.headKey]) })
        var carried = keep ? tensors : tensors.filter { !$0.key.hasKeyPrefix(in: [configuration.headKey]) }
        if !keep { carried.merge(fresh.mapValues { $0.copy() }) { old, _ in old } }
        try ModelFile.load(carried, into: network, fileName: fileName)
        return network
    }
}
