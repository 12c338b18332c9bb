/// Squeeze-and-excitation (Hu et al., CVPR 2018, arXiv:1709.01507) ending a residual
/// block: a per-channel scale s from the globally pooled features, then the residual
/// add and the ReLU,
///
///     s = sigmoid(W₂·relu(W₁·avgpool(F) + b₁) + b₂),   out = relu(F ⊙ s + shortcut)
///
/// W₁: C → C/r, W₂: C/r → C (`BottleneckMLP`). F ⊙ s is never written out: one fused
/// pass produces `out`. Keys follow the common PyTorch layout: `fc.0` and `fc.2` of a
/// Sequential.
public final class SqueezeExcitation: ResidualAttention {
    public let mlp: BottleneckMLP

    private var features: Tensor?, scale: Tensor?, output: Tensor?

    public init(channels: Int, reduction: Int, generator: inout RandomGenerator) {
        mlp = BottleneckMLP(channels: channels, reduction: reduction, keys: ("0", "2"), generator: &generator)
    }

    public var children: [(key: String, module: Module)] { [("fc", mlp)] }
    public var kind: AttentionKind { .se }

    /// The last forward's per-channel scale s, [N, C].
    public var channelAttention: Tensor? { scale }

    public var poolsOverSpace: Bool { true }

    /// relu(F ⊙ s + shortcut).
    public func forward(_ input: ResidualBranches, _ mode: Mode) -> Tensor { forward(input, pooled: nil, mode) }

    public func forward(_ input: ResidualBranches, pooled: SpatialPooling?, _ mode: Mode) -> Tensor {
        Profiler.measure("se gate") {
            let (features, shortcut) = input
            let average = (pooled ?? Pooling.overSpace(features, locatingMaxima: false)).average
            let s = Elementwise.sigmoid(mlp.forward(average, mode))
            let out = GatedResidual.forward(features, channelScale: s, shortcut: shortcut, relu: true)
            scale = s
            if mode.keepsActivations { self.features = features; output = out }
            return out
        }
    }

    /// With g = dy ⊙ [out > 0] (also ∂shortcut):
    ///
    ///     ∂s = Σ_hw g ⊙ F,   ∂F = g ⊙ s + MLP-backward(∂s ⊙ s(1 − s)) / (H·W)
    ///
    /// the last term spread evenly over the pixels by the average pooling.
    public func backward(_ dy: Tensor) -> ResidualBranches { backward(SplitGradient(dy)) }

    public func backward(_ dy: SplitGradient) -> ResidualBranches {
        Profiler.measure("se gate") {
            let (f, s, out) = (features!, scale!, output!)
            let g = GatedResidual.maskedGradient(dy, output: out)
            let ds = GatedResidual.channelScaleGradient(g, f, spatialScale: nil, extra: nil)
            let dPooled = mlp.backward(Elementwise.sigmoidBackward(ds, output: s))
            let df = GatedResidual.inputGradient(g, channelScale: s, spatialScale: nil, extra: nil,
                                                 average: dPooled, maximum: nil, argmax: [])
            return (df, g)
        }
    }
}
