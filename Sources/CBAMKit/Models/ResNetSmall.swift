/// DESIGN.md's "resnet-small": a 3×3 stem, three stages of BasicBlocks of width
/// w, 2w, 4w (stages 2 and 3 start with stride 2), global average pooling and a
/// linear head. Keys follow the official CBAM ResNet (`conv1`, `layer1.0.conv1`, `fc`).
/// Grad-CAM explains its last stage.
public final class ResNetSmall: ImageClassifier, Layer, GradCAMHook {
    public let configuration: ModelConfiguration
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let stages: [[BasicBlock]]
    public let fc: Linear

    private var pooledShape: [Int] = []
    private var lastFeatures: Tensor?

    public init(_ configuration: ModelConfiguration, seed: UInt64 = 0) {
        self.configuration = configuration
        var generator = RandomGenerator(seed: seed)
        let w = configuration.width
        conv1 = Conv2d(configuration.channels, w, kernel: 3, padding: 1, generator: &generator)
        bn1 = BatchNorm2d(w, fusedReLU: true)
        var stages: [[BasicBlock]] = []
        var inputChannels = w
        for k in 0..<3 {
            let channels = w << k
            stages.append((0..<configuration.depth).map { i in
                let block = BasicBlock(i == 0 ? inputChannels : channels, channels, stride: (k > 0 && i == 0) ? 2 : 1,
                                       attention: configuration.attention, reduction: configuration.reduction,
                                       generator: &generator)
                return block
            })
            inputChannels = channels
        }
        self.stages = stages
        fc = Linear(4 * w, configuration.classes, initialisation: .kaimingNormalFanIn, generator: &generator)
    }

    public var blocks: [(key: String, block: BasicBlock)] {
        stages.enumerated().flatMap { k, stage in stage.enumerated().map { ("layer\(k + 1).\($0)", $1) } }
    }

    public var children: [(key: String, module: Module)] {
        [("conv1", conv1), ("bn1", bn1)] + blocks.map { ($0.key, $0.block) } + [("fc", fc)]
    }

    public var attentionBlocks: [(key: String, attention: any ResidualAttention)] {
        configuration.attention == .none ? [] : blocks.map { ($0.key, $0.block.attention) }
    }

    public var gradCAMHook: GradCAMHook? { self }
    /// The last stage, "layer3".
    public var gradCAMLayer: String { "layer\(stages.count)" }

    /// The last stage's output from the last forward (for Grad-CAM).
    public var features: Tensor? { lastFeatures }

    public func forward(_ images: Tensor, _ mode: Mode) -> Tensor {
        precondition(images.shape.count == 4 && images.channels == configuration.channels,
                     "expected images [N, \(configuration.channels), H, W], got \(images.shape)")
        var x = mode == .inference ? conv1.forward(images, foldingIn: bn1) : bn1.forward(conv1.forward(images, mode), mode)
        for (_, block) in blocks { x = block.forward(x, mode) }
        lastFeatures = x
        pooledShape = x.shape
        return fc.forward(Pooling.overSpace(x).average, mode)
    }

    /// ∂L/∂features (blocked, the shape of `features`) from ∂L/∂logits, through the head
    /// alone, after a forward that keeps activations: what Grad-CAM weighs the features by.
    public func featuresGradient(_ dLogits: Tensor) -> Tensor {
        Pooling.overSpaceBackward(like: lastFeatures!, average: fc.backward(dLogits), maximum: nil, argmax: [])
    }

    /// ∂L/∂images; fills every parameter's gradient.
    public func backward(_ dLogits: Tensor) -> Tensor { backward(dLogits, inputGradient: true)! }

    @discardableResult
    public func backward(_ dLogits: Tensor, inputGradient: Bool) -> Tensor? {
        var dx = featuresGradient(dLogits)
        for (_, block) in blocks.reversed() { dx = block.backward(dx) }
        return conv1.backward(bn1.backward(dx), inputGradient: inputGradient)
    }
}
