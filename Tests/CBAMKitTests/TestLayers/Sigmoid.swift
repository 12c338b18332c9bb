@testable import CBAMKit

/// 1 / (1 + e^−x), elementwise: `Elementwise.sigmoid` and its backward.
final class Sigmoid: Layer {
    private var output: Tensor?

    func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let y = Elementwise.sigmoid(x)
        output = mode.keepsActivations ? y : nil
        return y
    }

    /// ∂x = dy·y·(1 − y).
    func backward(_ dy: Tensor) -> Tensor { Elementwise.sigmoidBackward(dy, output: output!) }
}
