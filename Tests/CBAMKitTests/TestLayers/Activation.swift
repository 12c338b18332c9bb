@testable import CBAMKit

/// An elementwise activation from `Elementwise`, y = f(x), whose backward reads only
/// its output y: ReLU (∂x = dy where y > 0) and sigmoid (∂x = dy·y·(1 − y)).
final class Activation: Layer {
    private let function: (Tensor) -> Tensor
    private let derivative: (_ dy: Tensor, _ y: Tensor) -> Tensor
    private var output: Tensor?

    static var relu: Activation { Activation(Elementwise.relu) { Elementwise.reluBackward($0, output: $1) } }
    static var sigmoid: Activation { Activation(Elementwise.sigmoid, Elementwise.sigmoidBackward) }

    private init(_ function: @escaping (Tensor) -> Tensor, _ derivative: @escaping (Tensor, Tensor) -> Tensor) {
        self.function = function
        self.derivative = derivative
    }

    func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let y = function(x)
        output = mode.keepsActivations ? y : nil
        return y
    }

    func backward(_ dy: Tensor) -> Tensor { derivative(dy, output!) }
}
