import XCTest
import CBAMKit

/// SE, CBAM, a BasicBlock and whole networks against finite differences.
final class ModuleGradientTests: XCTestCase {
    var check = GradientCheck()

    /// Checks a residual ending (attention → + shortcut → ReLU) on both inputs and all parameters.
    private func checkAttention(_ kind: AttentionKind, channels: Int) {
        var generator = RandomGenerator(seed: 7)
        let block = BasicBlock(channels, channels, stride: 1, attention: kind, reduction: 4, generator: &generator)
        let attention = block.attention
        let features = check.random([3, channels, 5, 4]), shortcut = check.random([3, channels, 5, 4])
        let parameters = attention.parameters
        check.check("\(kind) attention", tensors: [("features", features), ("shortcut", shortcut)] + parameters.map { ($0.key, $0.parameter.value) },
                    forward: { attention.forward(features.reordered(to: .blocked), shortcut: shortcut.reordered(to: .blocked), .training) },
                    backward: { dy in
                        let (df, ds) = attention.backward(dy)
                        return [df.reordered(to: .plain), ds.reordered(to: .plain)] + parameters.map { $0.parameter.gradient }
                    })
    }

    func testSqueezeExcitation() { checkAttention(.se, channels: 20) }
    func testCBAM() { checkAttention(.cbam, channels: 20) }
    func testCBAMWithOneBlockOfChannels() { checkAttention(.cbam, channels: 16) }
    func testNoAttention() { checkAttention(.none, channels: 8) }

    func testBasicBlockWithDownsample() {
        for kind in AttentionKind.allCases {
            var generator = RandomGenerator(seed: 9)
            let block = BasicBlock(8, 16, stride: 2, attention: kind, reduction: 4, generator: &generator)
            let x = check.random([2, 8, 6, 6])
            let parameters = block.parameters
            check.check("basic block \(kind)", tensors: [("x", x)] + parameters.map { ($0.key, $0.parameter.value) },
                        forward: { block.forward(x.reordered(to: .blocked), .training) },
                        backward: { dy in [block.backward(dy).reordered(to: .plain)] + parameters.map { $0.parameter.gradient } })
        }
    }

    // Whole networks are not checked by finite differences: with a dozen ReLU and
    // BatchNorm layers over a tiny batch, kinks within any usable step make the
    // differences scatter by more than the check could resolve. Their gradients,
    // in training and in eval mode, are compared with PyTorch's instead
    // (PyTorchReferenceTests), layer by layer against every parameter.
}
