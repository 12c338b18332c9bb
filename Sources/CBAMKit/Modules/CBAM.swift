/// CBAM, the Convolutional Block Attention Module (Woo et al., ECCV 2018,
/// arXiv:1807.06521), ending a residual block: the channel gate, then the spatial gate
/// on the channel-gated features, then the residual add and the ReLU,
///
///     F′ = F ⊙ Mc(F),   F″ = F′ ⊙ Ms(F′),   out = relu(F″ + shortcut)
///
/// F′ and F″ are never written out: the channel pooling reads F ⊙ Mc on the fly,
/// and one fused pass produces `out`. Backward recomputes them the same way.
/// Inference on a batch runs image by image (`CBAMInference`).
/// Keys as the official code: `ChannelGate.mlp.…`, `SpatialGate.spatial.…`.
public final class CBAM: ResidualAttention {
    public let channelGate: ChannelGate
    public let spatialGate: SpatialGate

    private var features: Tensor?, output: Tensor?
    private var channelMaximumAt: [Int32] = []

    public init(channels: Int, reduction: Int, spatialKernel: Int = 7, generator: inout RandomGenerator) {
        channelGate = ChannelGate(channels: channels, reduction: reduction, generator: &generator)
        spatialGate = SpatialGate(kernel: spatialKernel, generator: &generator)
    }

    public var children: [(key: String, module: Module)] { [("ChannelGate", channelGate), ("SpatialGate", spatialGate)] }
    public var kind: AttentionKind { .cbam }

    /// The last forward's channel attention Mc, [N, C].
    public var channelAttention: Tensor? { channelGate.gate }
    /// The last forward's spatial attention Ms, [N, 1, H, W], values in (0, 1).
    public var spatialAttention: Tensor? { spatialGate.gate }

    public var poolsOverSpace: Bool { true }

    /// relu(F″ + shortcut).
    public func forward(_ input: ResidualBranches, _ mode: Mode) -> Tensor { forward(input, pooled: nil, mode) }

    public func forward(_ input: ResidualBranches, pooled featurePooling: SpatialPooling?, _ mode: Mode) -> Tensor {
        Profiler.measure("cbam gates") {
            let (features, shortcut) = input
            if mode == .inference && CBAMInference.handles(batch: features.batch) { return imageByImage(features, shortcut) }
            let mc = featurePooling.map { channelGate.forward(pooled: $0, mode) } ?? channelGate.forward(features, mode)
            let (pooled, argmax) = Pooling.overChannels(features, scale: mc, locatingMaxima: mode.keepsActivations)
            let ms = spatialGate.forward(pooled, mode)
            let out = GatedResidual.forward(features, channelScale: mc, spatialScale: ms, shortcut: shortcut, relu: true)
            if mode.keepsActivations { self.features = features; output = out; channelMaximumAt = argmax }
            return out
        }
    }

    /// The same output in inference, computed image by image so that each image's F
    /// is read from memory once (`CBAMInference`).
    private func imageByImage(_ features: Tensor, _ shortcut: Tensor) -> Tensor {
        let spatial = spatialGate.foldedConvolution
        let kernel = CBAMInference(channelAttention: channelGate.inferenceKernel, spatial: spatial.kernel,
                                   spatialWeights: spatial.weights, spatialBias: spatial.bias)
        let (out, mc, ms) = kernel.forward(features, shortcut: shortcut)
        channelGate.gate = mc
        spatialGate.gate = ms
        return out
    }

    /// With g = dy ⊙ [out > 0] (also ∂shortcut):
    ///
    ///     ∂Ms = Σ_c g ⊙ F′,   ∂F′ = g ⊙ Ms + pool-backward(SpatialGate-backward(∂Ms)),
    ///     ∂Mc = Σ_hw ∂F′ ⊙ F,   ∂F = ∂F′ ⊙ Mc + the channel gate's pooling gradients
    public func backward(_ dy: Tensor) -> ResidualBranches { backward(SplitGradient(dy)) }

    public func backward(_ dy: SplitGradient) -> ResidualBranches {
        Profiler.measure("cbam gates") {
            let (f, out, mc, ms) = (features!, output!, channelGate.gate!, spatialGate.gate!)
            // Spatial gate: ∂Ms = Σ_c g·F′ (in the pass that masks dy into g), then back
            // through the 7×7 conv to the pooled maps.
            let (g, dMs) = GatedResidual.spatialScaleGradient(dy, f, channelScale: mc, maskedBy: out)
            let dPooled = spatialGate.backward(dMs)
            let poolGradient = ChannelPoolGradient(pooled: dPooled, argmax: channelMaximumAt)
            // Channel gate: ∂Mc = Σ_hw ∂F′·F, where ∂F′ = g·Ms + what the channel pooling sends back.
            let dMc = GatedResidual.channelScaleGradient(g, f, spatialScale: ms, extra: poolGradient)
            let (dAverage, dMaximum) = channelGate.backward(dMc)
            let df = GatedResidual.inputGradient(g, channelScale: mc, spatialScale: ms, extra: poolGradient,
                                                 average: dAverage, maximum: dMaximum, argmax: channelGate.maximumAt)
            return (df, g)
        }
    }
}
