/// Every ResNet of DESIGN.md, laid out by `ResNetLayout`: "resnet-small" (a 3×3 stem,
/// three stages of basic blocks of width w, 2w, 4w) and the official CBAM ResNets
/// (a 7×7/2 stem and 3×3/2 max-pool, four stages of basic blocks or bottlenecks);
/// then global average pooling and a linear head. Keys follow the official CBAM
/// ResNet (`conv1`, `bn1`, `layer1.0.conv1`, `fc`). Grad-CAM explains its last stage.
public final class ResNet: ImageClassifier, Layer, GradCAMHook {
    public let configuration: ModelConfiguration
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    /// The official ResNets' stem max-pool; nil for resnet-small.
    public let maxpool: MaxPool2d?
    public let stages: [[ResidualBlock]]
    public let fc: Linear
    public var frozenStages = 0

    private var lastFeatures: Tensor?

    public init(_ configuration: ModelConfiguration, seed: UInt64 = 0) {
        self.configuration = configuration
        let layout = ResNetLayout(configuration)
        var generator = RandomGenerator(seed: seed)
        let w = configuration.width
        conv1 = Conv2d(configuration.channels, w, kernel: layout.stemKernel, stride: layout.stemStride,
                       padding: layout.stemKernel / 2, generator: &generator)
        bn1 = BatchNorm2d(w, fusedReLU: true)
        maxpool = layout.stemPool.map { MaxPool2d(kernel: $0.kernel, stride: $0.stride, padding: $0.padding) }
        var inputChannels = w
        stages = layout.stages.map { stage in
            (0..<stage.blocks).map { i in
                defer { inputChannels = stage.planes * layout.design.expansion }
                return ResidualBlock(layout.design, inputChannels, planes: stage.planes, stride: i == 0 ? stage.stride : 1,
                                     attention: configuration.attention, reduction: configuration.reduction, generator: &generator)
            }
        }
        fc = Linear(layout.features, configuration.classes, initialisation: .kaimingNormalFanIn, generator: &generator)
    }

    public var blocks: [(key: String, block: ResidualBlock)] {
        stages.enumerated().flatMap { k, stage in stage.enumerated().map { ("layer\(k + 1).\($0)", $1) } }
    }

    public var children: [(key: String, module: Module)] {
        [("conv1", conv1), ("bn1", bn1)] + blocks.map { ($0.key, $0.block) } + [("fc", fc)]
    }

    /// The stem, then "layer1", "layer2", ….
    public var stageKeys: [[String]] {
        [["conv1", "bn1"]] + stages.indices.map { ["layer\($0 + 1)"] }
    }

    public var attentionBlocks: [(key: String, attention: any ResidualAttention)] {
        configuration.attention == .none ? [] : blocks.map { ($0.key, $0.block.attention) }
    }

    public var gradCAMHook: GradCAMHook? { self }
    /// The last stage, "layer3" or "layer4".
    public var gradCAMLayer: String { "layer\(stages.count)" }

    /// The last stage's output from the last forward (for Grad-CAM).
    public var features: Tensor? { lastFeatures }

    public func forward(_ images: Tensor, _ mode: Mode) -> Tensor {
        precondition(images.shape.count == 4 && images.channels == configuration.channels,
                     "expected images [N, \(configuration.channels), H, W], got \(images.shape)")
        let stemMode = self.mode(ofStage: 0, mode)
        var x = stemMode == .inference ? conv1.forward(images, foldingIn: bn1) : bn1.forward(conv1.forward(images, stemMode), stemMode)
        if let maxpool { x = maxpool.forward(x, stemMode) }
        for (k, stage) in stages.enumerated() {
            for block in stage { x = block.forward(x, self.mode(ofStage: k + 1, mode)) }
        }
        lastFeatures = x
        return fc.forward(Pooling.overSpace(x, locatingMaxima: false).average, mode)
    }

    /// ∂L/∂features (blocked, the shape of `features`) from ∂L/∂logits, through the head
    /// alone, after a forward that keeps activations: what Grad-CAM weighs the features by.
    public func featuresGradient(_ dLogits: Tensor) -> Tensor {
        Pooling.overSpaceBackward(like: lastFeatures!, average: fc.backward(dLogits), maximum: nil, argmax: [])
    }

    /// ∂L/∂images; fills every parameter's gradient.
    public func backward(_ dLogits: Tensor) -> Tensor { backward(dLogits, inputGradient: true)! }

    @discardableResult
    public func backward(_ dLogits: Tensor, inputGradient: Bool, finished: (Module) -> Void) -> Tensor? {
        precondition(!inputGradient || frozenStages == 0, "a network with frozen stages has no input gradient")
        var dy = SplitGradient(featuresGradient(dLogits))
        finished(fc)
        for (k, stage) in stages.enumerated().reversed() where k + 1 >= frozenStages {
            for block in stage.reversed() {
                dy = block.backward(dy)
                finished(block)
            }
        }
        guard frozenStages == 0 else { return nil }
        var dx = dy.total
        if let maxpool { dx = maxpool.backward(dx) }
        dx = bn1.backward(dx)
        finished(bn1)
        let dImages = conv1.backward(dx, inputGradient: inputGradient)
        finished(conv1)
        return dImages
    }
}
