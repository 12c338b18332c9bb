/// CBAM's spatial attention (Woo et al., ECCV 2018, arXiv:1807.06521):
///
///     Ms = sigmoid(BN(conv7×7([max_c F′; mean_c F′])))
///
/// conv 2 → 1 without bias, BN without ReLU. It runs on the small plain channel-pooled
/// maps [N, 2, H, W] (maximum first, as the official code orders them); the pooling
/// itself is fused into `CBAM`. Keys as the official code: `spatial.conv`, `spatial.bn`.
///
/// Initialised as the official code: the BN's γ = 0, so Ms = sigmoid(0) = 0.5 everywhere
/// at the start and the gate opens as it learns; the BN's momentum is 0.01 (its `BasicConv`).
public final class SpatialGate: Layer {
    public let conv: Conv2d
    public let norm: BatchNorm2d

    /// Ms of the last forward (set by `CBAM` when its inference runs image by image).
    var gate: Tensor?

    public init(kernel: Int = 7, generator: inout RandomGenerator) {
        conv = Conv2d(2, 1, kernel: kernel, padding: kernel / 2, outputLayout: .plain, generator: &generator)
        norm = BatchNorm2d(1, scale: 0, momentum: 0.01)
    }

    public var children: [(key: String, module: Module)] { [("spatial.conv", conv), ("spatial.bn", norm)] }

    /// Ms as [N, 1, H, W], from the channel-pooled maps [N, 2, H, W].
    public func forward(_ pooled: Tensor, _ mode: Mode) -> Tensor {
        let normalized = mode == .inference ? conv.forward(pooled, foldingIn: norm) : norm.forward(conv.forward(pooled, mode), mode)
        let ms = Elementwise.sigmoid(normalized)
        gate = ms
        return ms
    }

    /// The convolution with the BatchNorm folded in, as one image's inference needs it
    /// (`CBAMInference`): the same weights as `forward`'s in inference.
    var foldedConvolution: (kernel: DirectConvolution, weights: Tensor, bias: Tensor) {
        let (scale, shift) = norm.inferenceAffine
        let folded = WeightFolding.fold(weights: conv.weight.value, bias: conv.bias?.value, scale: scale, shift: shift)
        return (DirectConvolution(inputChannels: 2, outputChannels: 1, kernel: conv.kernel, padding: conv.padding), folded.weights, folded.bias)
    }

    /// ∂pooled = conv-backward(BN-backward(∂Ms ⊙ Ms(1 − Ms))); fills the conv's and the BN's gradients.
    public func backward(_ dGate: Tensor) -> Tensor {
        conv.backward(norm.backward(Elementwise.sigmoidBackward(dGate, output: gate!)))
    }
}
