/// CBAM's spatial gate: Ms = sigmoid(BN(conv7×7([max_c; mean_c]))), conv 2→1 without
/// bias, BN without ReLU. Keys as the official code: `spatial.conv`, `spatial.bn`.
/// It runs on small plain [N, 2, H, W] maps; the pooling itself is fused into CBAM.
public final class SpatialGate: Layer {
    public let conv: Conv2d
    public let norm: BatchNorm2d

    private(set) var gate: Tensor?

    public init(kernel: Int = 7, generator: inout RandomGenerator) {
        conv = Conv2d(2, 1, kernel: kernel, padding: kernel / 2, outputLayout: .plain, generator: &generator)
        norm = BatchNorm2d(1)
    }

    public var children: [(key: String, module: Module)] { [("spatial.conv", conv), ("spatial.bn", norm)] }

    /// Ms as [N, 1, H, W], from the channel-pooled maps [N, 2, H, W].
    public func forward(_ pooled: Tensor, _ mode: Mode) -> Tensor {
        let normalized = mode == .inference ? conv.forward(pooled, foldingIn: norm) : norm.forward(conv.forward(pooled, mode), mode)
        let ms = Elementwise.sigmoid(normalized)
        gate = ms
        return ms
    }

    /// ∂L/∂pooled from ∂L/∂Ms.
    public func backward(_ dGate: Tensor) -> Tensor {
        conv.backward(norm.backward(Elementwise.sigmoidBackward(dGate, output: gate!)))
    }
}
