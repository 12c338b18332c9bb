/// softmax(scale·x) along the last dimension of a plain tensor: attention's
/// probabilities from its scores, with the 1/√dₕ scaling folded into the same pass.
///
///     pᵢ = e^(scale·xᵢ) / Σⱼ e^(scale·xⱼ)
public final class RowSoftmax: Layer {
    public let scale: Float
    private(set) var output: Tensor?

    public init(scale: Float = 1) { self.scale = scale }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        Profiler.measure("softmax") {
            let p = SoftmaxKernels.forward(x, scale: scale)
            output = mode.keepsActivations ? p : nil
            return p
        }
    }

    /// ∂x = scale · p ⊙ (∂p − Σⱼ ∂pⱼ·pⱼ), per row.
    public func backward(_ dp: Tensor) -> Tensor {
        Profiler.measure("softmax") {
            guard let p = output else { preconditionFailure("RowSoftmax.backward without a forward that keeps activations") }
            return SoftmaxKernels.backward(dp, probabilities: p, scale: scale)
        }
    }

    /// The last forward's probabilities (kept in training and explaining modes).
    public var probabilities: Tensor? { output }
}
