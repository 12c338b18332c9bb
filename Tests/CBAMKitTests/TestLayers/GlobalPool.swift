@testable import CBAMKit

/// Global pooling over H×W of a blocked activation, to a plain [N, C]:
/// `Pooling.overSpace` (SE's and the channel gate's pooling) and its backward.
final class GlobalPool: Layer {
    enum Kind { case average, maximum }
    let kind: Kind
    private var input: Tensor?
    private var argmax: [Int32] = []

    init(_ kind: Kind) { self.kind = kind }

    func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let pooled = Pooling.overSpace(x)
        if mode.keepsActivations { input = x; argmax = pooled.argmax }
        return kind == .average ? pooled.average : pooled.maximum
    }

    /// The average's gradient spread evenly over H×W; the maximum's sent to where it was.
    func backward(_ dy: Tensor) -> Tensor {
        Pooling.overSpaceBackward(like: input!, average: kind == .average ? dy : nil,
                                  maximum: kind == .maximum ? dy : nil, argmax: argmax)
    }
}
