/// A network from images [N, C, S, S] (plain) to logits [N, classes].
public protocol ImageClassifier: Module {
    var configuration: ModelConfiguration { get }
    func forward(_ images: Tensor, _ mode: Mode) -> Tensor
    /// Fills every parameter's gradient from ∂L/∂logits; returns ∂L/∂images when asked.
    @discardableResult
    func backward(_ dLogits: Tensor, inputGradient: Bool) -> Tensor?
}

/// Every architectural choice of a model: what a model file's metadata records.
public struct ModelConfiguration: Hashable, Sendable, Codable {
    public enum Architecture: String, Sendable, Codable { case resnetSmall = "resnet-small" }

    public var architecture: Architecture = .resnetSmall
    public var attention: AttentionKind = .cbam
    public var channels = 3
    public var imageSize = 32
    public var classes = 10
    public var width = 32
    public var depth = 1
    public var reduction = 8

    public init(architecture: Architecture = .resnetSmall, attention: AttentionKind = .cbam, channels: Int = 3,
                imageSize: Int = 32, classes: Int = 10, width: Int = 32, depth: Int = 1, reduction: Int = 8) {
        self.architecture = architecture; self.attention = attention; self.channels = channels
        self.imageSize = imageSize; self.classes = classes; self.width = width; self.depth = depth
        self.reduction = reduction
    }
}
