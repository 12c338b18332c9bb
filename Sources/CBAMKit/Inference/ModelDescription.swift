import Foundation

/// What `cbam info` says of a model file, read from its metadata alone: the network, its
/// size, the input it expects and how images are prepared for it, its classes, and what
/// the file records of its training (`TrainingSummary`).
public struct ModelDescription: Encodable, Equatable, Sendable {
    public struct Network: Encodable, Equatable, Sendable {
        public var architecture: String
        public var attention: String
        public var width: Int
        public var depth: Int
        /// The SE/CBAM MLP's reduction; nil without attention.
        public var reduction: Int?
        /// The ViT's patch side, heads and MLP ratio; nil for the ResNets.
        public var patchSize: Int?
        public var heads: Int?
        public var mlpRatio: Int?
        public var parameters: Int

        enum CodingKeys: String, CodingKey {
            case architecture, attention, width, depth, reduction, heads, parameters
            case patchSize = "patch_size", mlpRatio = "mlp_ratio"
        }
    }

    public struct Input: Encodable, Equatable, Sendable {
        public var channels: Int
        public var imageSize: Int
        public var transform: ImageTransform
        /// The transform in words.
        public var preparation: String
        public var mean: [Float]
        public var std: [Float]

        enum CodingKeys: String, CodingKey {
            case channels, transform, preparation, mean, std
            case imageSize = "image_size"
        }
    }

    public var file: String
    public var network: Network
    public var input: Input
    public var classes: [String]
    public var training: TrainingSummary

    public init(metadata: ModelMetadata, file: String) {
        let c = metadata.configuration
        let isViT = c.architecture == .vitTiny
        self.file = file
        network = Network(architecture: c.architecture.rawValue, attention: c.attention.rawValue, width: c.width, depth: c.depth,
                          reduction: c.attention == .none ? nil : c.reduction, patchSize: isViT ? c.patchSize : nil,
                          heads: isViT ? c.heads : nil, mlpRatio: isViT ? c.mlpRatio : nil, parameters: c.parameterCount)
        input = Input(channels: c.channels, imageSize: c.imageSize, transform: metadata.transform,
                      preparation: metadata.transform.summary(imageSize: c.imageSize), mean: metadata.mean, std: metadata.std)
        classes = metadata.classNames
        training = TrainingSummary(extra: metadata.extra)
    }
}
