/// GELU, exact form (PyTorch's default), elementwise on a plain tensor:
///
///     y = x·Φ(x) = ½x·(1 + erf(x/√2))
public final class GELU: Layer {
    private var input: Tensor?
    public init() {}

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        Profiler.measure("gelu") {
            precondition(x.layout == .plain, "GELU works on plain tensors")
            input = mode.keepsActivations ? x : nil
            return GELUKernels.forward(x)
        }
    }

    /// ∂x = dy·(Φ(x) + x·φ(x)), φ the standard normal density.
    public func backward(_ dy: Tensor) -> Tensor {
        Profiler.measure("gelu") {
            guard let x = input else { preconditionFailure("GELU.backward without a forward that keeps activations") }
            return GELUKernels.backward(dy, input: x)
        }
    }
}
