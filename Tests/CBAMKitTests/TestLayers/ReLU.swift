@testable import CBAMKit

/// max(x, 0), elementwise, in any layout: `Elementwise.relu` and its backward.
final class ReLU: Layer {
    private var output: Tensor?

    func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let y = Elementwise.relu(x)
        output = mode.keepsActivations ? y : nil
        return y
    }

    /// ∂x = dy where y > 0.
    func backward(_ dy: Tensor) -> Tensor { Elementwise.reluBackward(dy, output: output!) }
}
