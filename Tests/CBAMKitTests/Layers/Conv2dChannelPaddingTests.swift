import XCTest
import CBAMKit
import OneDNN

/// Blocked activations with a partial channel block (base widths 4 and 8) run on
/// oneDNN's jit kernels with the channels padded to whole blocks, and give what the
/// same convolution gives on plain NCHW input and output, which need no padding:
/// outputs, ∂input, ∂weights and ∂bias.
final class Conv2dChannelPaddingTests: XCTestCase {
    func testPaddedEqualsUnpadded() {
        for precision in [Precision.fp32, .bf16] where precision == .fp32 || Precision.hasNativeBF16 {
            // bf16 operands are rounded alike on both paths; only the order of the sums differs.
            let tolerance: Float = precision == .fp32 ? 1e-5 : 1e-3
            // (inputs, outputs, stride, input layout): the stem (3 plain channels), then blocks.
            for (inputs, outputs, stride, layout) in [(3, 4, 1, Layout.plain), (3, 8, 1, .plain), (4, 4, 1, .blocked),
                                                      (8, 8, 1, .blocked), (8, 16, 2, .blocked), (20, 8, 1, .blocked)] {
                let name = "\(inputs) → \(outputs) channels, stride \(stride), \(layout) input, \(precision)"
                let padded = convolution(inputs, outputs, stride, .blocked, precision)
                let unpadded = convolution(inputs, outputs, stride, .plain, precision)
                let x = random([3, inputs, 9, 9])
                let expected = pass(unpadded, x)
                let actual = pass(padded, x.reordered(to: layout))
                // Forward, backward-data, backward-weights. A network never asks its stem (plain
                // input) for ∂input, which oneDNN has no jit kernel for at 3 plain channels.
                let implementations = padded.implementations
                XCTAssertEqual(implementations.count, 3, name)
                for implementation in layout == .plain ? [implementations[0], implementations[2]] : implementations {
                    XCTAssertFalse(implementation.hasPrefix("ref"), "\(name): a pass ran oneDNN's reference code: \(implementations)")
                }
                for (what, a, b) in [("output", expected.y, actual.y), ("∂input", expected.dx, actual.dx),
                                     ("∂weight", expected.dw, actual.dw), ("∂bias", expected.db, actual.db)] {
                    XCTAssertEqual(a.count, b.count, "\(name) \(what)")
                    let scale = a.map(abs).max()!
                    let worst = zip(a, b).map { abs($0 - $1) }.max()!
                    XCTAssertLessThanOrEqual(worst, tolerance * max(scale, 1), "\(name) \(what)")
                }
            }
        }
    }

    /// The same weights each time (a fixed seed), biased, 3×3 with padding 1.
    private func convolution(_ inputs: Int, _ outputs: Int, _ stride: Int, _ output: Layout, _ precision: Precision) -> Conv2d {
        var generator = RandomGenerator(seed: 7)
        let conv = Conv2d(inputs, outputs, kernel: 3, stride: stride, padding: 1, bias: true, outputLayout: output,
                          initialisation: .kaimingNormalFanOut, generator: &generator)
        for o in 0..<outputs { conv.bias!.value.data[o] = 0.1 * Float(o) - 0.3 }
        conv.precision = precision
        return conv
    }

    /// Forward and backward with a fixed ∂L/∂y; every result in plain order.
    private func pass(_ conv: Conv2d, _ x: Tensor) -> (y: [Float], dx: [Float], dw: [Float], db: [Float]) {
        let y = conv.forward(x, .training)
        let dy = random(y.shape, seed: 99)
        let dx = conv.backward(dy.reordered(to: y.layout))
        return (y.scalars, dx.scalars, conv.weight.gradient.scalars, conv.bias!.gradient.scalars)
    }

    private func random(_ shape: [Int], seed: UInt64 = 3) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }
}
