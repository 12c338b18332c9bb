/// Max pooling over k×k windows, as PyTorch's nn.MaxPool2d (ceil_mode off):
///
///     y[n, c, i, j] = max_{0 ≤ a, b < k} x[n, c, i·s − p + a, j·s − p + b]   (padding never wins)
///
/// The official ResNets' stem uses k = 3, s = 2, p = 1. Blocked activations in and out.
public final class MaxPool2d: Layer {
    public let kernel, stride, padding: Int
    private var argmax: [Int32] = []
    private var inputShape: [Int] = []

    public init(kernel: Int, stride: Int, padding: Int) {
        precondition(kernel > 0 && stride > 0 && 2 * padding <= kernel, "MaxPool2d: PyTorch's bounds (padding at most half the kernel)")
        self.kernel = kernel; self.stride = stride; self.padding = padding
    }

    private var window: MaxPooling.Window { MaxPooling.Window(kernel: kernel, stride: stride, padding: padding) }

    /// The output side for an input side.
    public func outputSide(_ side: Int) -> Int { window.outputSide(side) }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        Profiler.measure("pooling") {
            let (y, argmax) = MaxPooling.forward(x.reordered(to: .blocked), window)
            if mode.keepsActivations { (self.argmax, inputShape) = (argmax, x.shape) } else { self.argmax = [] }
            return y
        }
    }

    /// ∂x[n, c, r, s] = Σ of dy over the outputs whose maximum sat at (r, s).
    public func backward(_ dy: Tensor) -> Tensor {
        Profiler.measure("pooling") {
            precondition(!argmax.isEmpty, "MaxPool2d.backward without a forward that keeps activations")
            return MaxPooling.backward(dy.reordered(to: .blocked), argmax: argmax, inputShape: inputShape)
        }
    }
}
