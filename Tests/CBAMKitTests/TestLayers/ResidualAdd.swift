@testable import CBAMKit

/// a + b, optionally followed by ReLU: the residual connection, blocked through
/// `GatedResidual`, plain through `Elementwise`.
final class ResidualAdd: Layer {
    typealias Input = (a: Tensor, b: Tensor)
    let relu: Bool
    private var output: Tensor?

    init(relu: Bool) { self.relu = relu }

    func forward(_ input: Input, _ mode: Mode) -> Tensor {
        let (a, b) = input
        let y = a.layout == .blocked ? GatedResidual.forward(a, shortcut: b, relu: relu)
                                     : (relu ? Elementwise.relu(Elementwise.add(a, b)) : Elementwise.add(a, b))
        output = mode.keepsActivations && relu ? y : nil
        return y
    }

    /// The same gradient reaches both inputs: dy, masked where the ReLU cut.
    func backward(_ dy: Tensor) -> Tensor { relu ? GatedResidual.maskedGradient(SplitGradient(dy), output: output!) : dy }
}
