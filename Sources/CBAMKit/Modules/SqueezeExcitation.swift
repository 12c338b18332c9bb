/// SE (Hu et al.): s = sigmoid(W2·relu(W1·avgpool(F))), F ⊙ s.
/// Keys follow the common PyTorch layout: `fc.0` and `fc.2` of a Sequential.
public final class SqueezeExcitation: ResidualAttention {
    public let squeeze: Linear   // fc.0: C → C/r
    public let excite: Linear    // fc.2: C/r → C

    private var features: Tensor?, hidden: Tensor?, scale: Tensor?, output: Tensor?

    public init(channels: Int, reduction: Int, generator: inout RandomGenerator) {
        let h = hiddenWidth(channels: channels, reduction: reduction)
        squeeze = Linear(channels, h, generator: &generator)
        excite = Linear(h, channels, generator: &generator)
    }

    public var children: [(key: String, module: Module)] { [("fc.0", squeeze), ("fc.2", excite)] }
    public var kind: AttentionKind { .se }

    /// The last forward's per-channel scale s, [N, C].
    public var channelAttention: Tensor? { scale }

    public func forward(_ input: ResidualBranches, _ mode: Mode) -> Tensor {
        Profiler.measure("se gate") {
            let (features, shortcut) = input
            let pooled = Pooling.overSpace(features).average
            let h = Elementwise.relu(squeeze.forward(pooled, mode))
            let s = Elementwise.sigmoid(excite.forward(h, mode))
            let out = GatedResidual.forward(features, channelScale: s, shortcut: shortcut, relu: true)
            scale = s
            if mode.keepsActivations { self.features = features; hidden = h; output = out }
            return out
        }
    }

    public func backward(_ dy: Tensor) -> ResidualBranches {
        Profiler.measure("se gate") {
            let (f, h, s, out) = (features!, hidden!, scale!, output!)
            let g = GatedResidual.maskedGradient(dy, output: out)
            let ds = GatedResidual.channelScaleGradient(g, f, spatialScale: nil, extra: nil)
            let dh = Elementwise.reluBackward(excite.backward(Elementwise.sigmoidBackward(ds, output: s)), output: h)
            let dPooled = squeeze.backward(dh)
            let df = GatedResidual.inputGradient(g, channelScale: s, spatialScale: nil, extra: nil,
                                                 average: dPooled, maximum: nil, argmax: [])
            return (df, g)
        }
    }
}
