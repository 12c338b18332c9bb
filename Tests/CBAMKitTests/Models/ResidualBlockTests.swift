import XCTest
@testable import CBAMKit

/// `ResidualBlock`, basic and bottleneck, with each attention and a downsampling
/// shortcut, against finite differences.
final class ResidualBlockTests: XCTestCase {
    var check = GradientCheck()

    func testBasicBlockGradientsWithDownsample() {
        for kind in AttentionKind.allCases {
            var generator = RandomGenerator(seed: 9)
            let block = ResidualBlock(.basic, 8, planes: 16, stride: 2, attention: kind, reduction: 4, generator: &generator)
            check.check("basic block \(kind)", block, input: check.random([2, 8, 6, 6]), layout: .blocked)
        }
    }

    /// Stride 2 on the 3×3, 8 → 4·6 = 24 channels (two channel blocks after the expansion).
    /// CBAM is checked on the identity-shortcut block below: here, its MLP's gradients are
    /// too small next to the float32 noise of the larger sum to resolve.
    func testBottleneckGradientsWithDownsample() {
        for kind in [AttentionKind.none, .se] {
            var generator = RandomGenerator(seed: 10)
            let block = ResidualBlock(.bottleneck, 8, planes: 6, stride: 2, attention: kind, reduction: 4, generator: &generator)
            XCTAssertEqual(block.children.map(\.key).prefix(8),
                           ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3", "downsample.0", "downsample.1"])
            check.check("bottleneck \(kind)", block, input: check.random([2, 8, 10, 10]), layout: .blocked)
        }
    }

    /// The identity shortcut: a bottleneck whose input already has 4·planes channels.
    func testBottleneckGradientsWithIdentityShortcut() {
        var generator = RandomGenerator(seed: 11)
        let block = ResidualBlock(.bottleneck, 16, planes: 4, stride: 1, attention: .cbam, reduction: 4, generator: &generator)
        XCTAssertNil(block.downsample)
        check.check("bottleneck identity", block, input: check.random([2, 16, 5, 5]), layout: .blocked)
    }

    /// ∂y given as two summands (how a ResNet hands each block the next block's input
    /// gradient) gives, bit for bit, the gradients of ∂y added first: the input's, as its
    /// own two summands, and every parameter's. Each attention, identity and downsampling
    /// shortcut.
    func testASplitGradientIsTheSumAddedFirst() {
        for (kind, input, planes, stride) in AttentionKind.allCases.flatMap({ [($0, 16, 16, 1), ($0, 8, 16, 2)] }) {
            func block() -> ResidualBlock {
                var generator = RandomGenerator(seed: 12)
                return ResidualBlock(.basic, input, planes: planes, stride: stride, attention: kind, reduction: 4, generator: &generator)
            }
            let (split, summed) = (block(), block())
            let x = check.random([3, input, 6, 6]).reordered(to: .blocked)
            let y = split.forward(x, .training)
            XCTAssertEqual(summed.forward(x, .training).scalars, y.scalars)
            let (a, b) = (check.random(y.shape).reordered(to: .blocked), check.random(y.shape).reordered(to: .blocked))
            let parts = split.backward(SplitGradient(a, b))
            let whole = summed.backward(Elementwise.add(a, b))
            XCTAssertEqual(parts.total.scalars, whole.scalars, "\(kind) stride \(stride)")
            XCTAssertNotNil(parts.second, "the block hands on its two summands")
            for ((key, p), (_, q)) in zip(split.parameters, summed.parameters) {
                XCTAssertEqual(p.gradient.scalars, q.gradient.scalars, "\(kind) stride \(stride) \(key)")
            }
        }
    }

    // Whole networks are not checked by finite differences: with a dozen ReLU and
    // BatchNorm layers over a tiny batch, kinks within any usable step make the
    // differences scatter by more than the check could resolve. Their gradients,
    // in training and in eval mode, are compared with PyTorch's instead
    // (PyTorchReferenceTests, OfficialResNetReferenceTests), against every parameter.
}
