/// The plain block's ending: out = relu(F + shortcut).
public final class NoAttention: ResidualAttention {
    private var output: Tensor?

    public init() {}

    public var kind: AttentionKind { .none }

    public func forward(_ input: ResidualBranches, _ mode: Mode) -> Tensor {
        Profiler.measure("residual") {
            let out = GatedResidual.forward(input.features, shortcut: input.shortcut, relu: true)
            output = mode.keepsActivations ? out : nil
            return out
        }
    }

    public func backward(_ dy: Tensor) -> ResidualBranches { backward(SplitGradient(dy)) }

    /// ∂F = ∂shortcut = dy where out > 0.
    public func backward(_ dy: SplitGradient) -> ResidualBranches {
        Profiler.measure("residual") {
            let g = GatedResidual.maskedGradient(dy, output: output!)
            return (g, g)
        }
    }
}
