import XCTest
import CBAMKit

/// `BasicBlock` with each attention, with a downsampling shortcut, against finite
/// differences.
final class BasicBlockTests: XCTestCase {
    var check = GradientCheck()

    func testGradientsWithDownsample() {
        for kind in AttentionKind.allCases {
            var generator = RandomGenerator(seed: 9)
            let block = BasicBlock(8, 16, stride: 2, attention: kind, reduction: 4, generator: &generator)
            check.check("basic block \(kind)", block, input: check.random([2, 8, 6, 6]), layout: .blocked)
        }
    }

    // Whole networks are not checked by finite differences: with a dozen ReLU and
    // BatchNorm layers over a tiny batch, kinks within any usable step make the
    // differences scatter by more than the check could resolve. Their gradients,
    // in training and in eval mode, are compared with PyTorch's instead
    // (PyTorchReferenceTests), layer by layer against every parameter.
}
