/// A transformer block's MLP, as timm's `Mlp`: fc2(GELU(fc1(x))), d → r·d → d.
/// Keys `fc1` and `fc2`. fc2 adds its result straight into the residual stream;
/// in inference GELU runs inside fc1's product (oneDNN post-op), in training as its
/// own pass, which keeps the pre-activation that backward needs.
public final class TransformerMLP: Layer {
    public let fc1: Linear
    public let fc2: Linear
    public let activation = GELU()

    public init(dimension: Int, hidden: Int, generator: inout RandomGenerator) {
        fc1 = Linear(dimension, hidden, generator: &generator)
        fc2 = Linear(hidden, dimension, generator: &generator)
    }

    public var children: [(key: String, module: Module)] { [("fc1", fc1), ("fc2", fc2)] }

    /// fc2(GELU(fc1(x))).
    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let out = Tensor.zeros(Array(x.shape.dropLast()) + [fc2.outputFeatures])
        forward(x, mode, addingTo: out)
        return out
    }

    /// stream += fc2(GELU(fc1(x))), in place.
    public func forward(_ x: Tensor, _ mode: Mode, addingTo stream: Tensor) {
        let hidden = mode.keepsActivations ? activation.forward(fc1.forward(x, mode), mode) : fc1.forwardGELU(x)
        fc2.forward(hidden, mode, addingTo: stream)
    }

    /// ∂x = fc1-backward(GELU-backward(fc2-backward(∂stream))); the stream's own
    /// gradient passes by this branch unchanged.
    public func backward(_ dStream: Tensor) -> Tensor {
        fc1.backward(activation.backward(fc2.backward(dStream)))
    }
}
