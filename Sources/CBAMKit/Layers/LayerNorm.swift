/// LayerNorm over the last dimension of a plain [..., d] tensor, as PyTorch's
/// nn.LayerNorm(d): y = (x − mean)/√(var + ε)·γ + β per row, biased variance, ε 1e-5.
///
/// Forward keeps the normalised rows x̂ and 1/σ, which is all backward needs, so
/// the caller may overwrite x afterwards (a transformer's residual stream does).
public final class LayerNorm: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let features: Int
    public let epsilon: Float = 1e-5

    private var normalized: Tensor?
    private var inverseStd: Tensor?

    /// γ = 1, β = 0, as PyTorch initialises them.
    public init(_ features: Int) {
        self.features = features
        weight = Parameter(Tensor(shape: [features], values: Array(repeating: 1, count: features)))
        bias = Parameter(Tensor.zeros([features]))
    }

    public var parameters: [(key: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor { forward(x, mode, copyingInput: false).output }

    /// Also returns a copy of x when asked: the start of a residual sum that the
    /// sublayer after this norm adds its result into. Written in the same pass,
    /// it costs one store per element instead of a separate copy or add.
    public func forward(_ x: Tensor, _ mode: Mode, copyingInput: Bool) -> (output: Tensor, copy: Tensor?) {
        Profiler.measure("layernorm") {
            precondition(x.layout == .plain && x.shape.last == features, "LayerNorm expects [..., \(features)], got \(x.shape)")
            let y = Tensor(shape: x.shape)
            let copy = copyingInput ? Tensor(shape: x.shape) : nil
            let keep = mode.keepsActivations
            let xhat = keep ? Tensor(shape: x.shape) : nil
            let rstd = keep ? Tensor(shape: [x.count / features]) : nil
            LayerNormKernels.forward(x, gamma: weight.value, beta: bias.value, epsilon: epsilon, into: y,
                                     normalized: xhat, inverseStd: rstd, copy: copy)
            normalized = xhat
            inverseStd = rstd
            return (y, copy)
        }
    }

    /// ∂L/∂x; fills ∂γ = Σ dy·x̂ and ∂β = Σ dy.
    ///
    ///     ∂x̂ = dy·γ,  ∂x = (∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂)) / σ
    public func backward(_ dy: Tensor) -> Tensor { backward(dy, residualGradient: nil) }

    /// ∂L/∂x plus `residualGradient`, the gradient the residual path brings to the
    /// same x, added in the same pass; fills ∂γ and ∂β.
    public func backward(_ dy: Tensor, adding residualGradient: Tensor) -> Tensor { backward(dy, residualGradient: residualGradient) }

    private func backward(_ dy: Tensor, residualGradient: Tensor?) -> Tensor {
        Profiler.measure("layernorm") {
            guard let xhat = normalized, let rstd = inverseStd else {
                preconditionFailure("LayerNorm.backward without a forward that keeps activations")
            }
            let dx = Tensor(shape: dy.shape)
            LayerNormKernels.backward(dy, normalized: xhat, inverseStd: rstd, gamma: weight.value, residualGradient: residualGradient,
                                      into: dx, gammaGradient: weight.gradient, betaGradient: bias.gradient)
            return dx
        }
    }
}
