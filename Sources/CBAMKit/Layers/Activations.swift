/// max(x, 0), elementwise, in any layout. (In the networks ReLU is fused into the
/// BatchNorm or residual pass before it; this layer is for composing other models.)
public final class ReLU {
    private var output: Tensor?
    public init() {}

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let y = Elementwise.relu(x)
        output = mode.keepsActivations ? y : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor { Elementwise.reluBackward(dy, output: output!) }
}

/// 1 / (1 + e^−x), elementwise.
public final class Sigmoid {
    private var output: Tensor?
    public init() {}

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let y = Elementwise.sigmoid(x)
        output = mode.keepsActivations ? y : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor { Elementwise.sigmoidBackward(dy, output: output!) }
}
