import XCTest
import CBAMKit

/// `DirectConvolution` (what `Conv2d` runs for CBAM's tiny plain 2 → 1 map) gives what
/// oneDNN gives for the same convolution with a blocked output: outputs, ∂input,
/// ∂weights and ∂bias, at widths that fill whole registers (32, 16), half of one (8)
/// and odd ones, with and without "same" padding.
final class DirectConvolutionTests: XCTestCase {
    func testDirectEqualsOneDNN() {
        // (inputs, outputs, kernel, padding, bias, side)
        for (inputs, outputs, kernel, padding, bias, side) in [(2, 1, 7, 3, false, 32), (2, 1, 7, 3, false, 16), (2, 1, 7, 3, false, 8),
                                                               (2, 1, 7, 3, true, 7), (1, 1, 3, 1, true, 19), (2, 2, 5, 1, true, 11)] {
            let name = "\(inputs) → \(outputs), \(kernel)×\(kernel) padding \(padding), \(side)×\(side)"
            let direct = convolution(inputs, outputs, kernel, padding, bias, .plain)
            let oneDNN = convolution(inputs, outputs, kernel, padding, bias, .blocked)
            let x = random([3, inputs, side, side])
            let expected = pass(oneDNN, x)
            let actual = pass(direct, x)
            XCTAssertTrue(direct.implementations.isEmpty, "\(name): the direct kernel did not run")
            XCTAssertFalse(oneDNN.implementations.isEmpty, name)
            for (what, a, b) in [("output", expected.y, actual.y), ("∂input", expected.dx, actual.dx),
                                 ("∂weight", expected.dw, actual.dw), ("∂bias", expected.db, actual.db)] {
                XCTAssertEqual(a.count, b.count, "\(name) \(what)")
                let scale = a.map(abs).max() ?? 0
                let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1e-5 * max(scale, 1), "\(name) \(what)")
            }
        }
    }

    private func convolution(_ inputs: Int, _ outputs: Int, _ kernel: Int, _ padding: Int, _ bias: Bool, _ output: Layout) -> Conv2d {
        var generator = RandomGenerator(seed: 5)
        let conv = Conv2d(inputs, outputs, kernel: kernel, padding: padding, bias: bias, outputLayout: output,
                          initialisation: .kaimingNormalFanOut, generator: &generator)
        for o in 0..<outputs where bias { conv.bias!.value.data[o] = 0.2 * Float(o) - 0.1 }
        return conv
    }

    /// Forward and backward with a fixed ∂L/∂y; every result in plain order.
    private func pass(_ conv: Conv2d, _ x: Tensor) -> (y: [Float], dx: [Float], dw: [Float], db: [Float]) {
        let y = conv.forward(x, .training)
        let dy = random(y.shape, seed: 99)
        let dx = conv.backward(dy.reordered(to: y.layout))
        return (y.scalars, dx.scalars, conv.weight.gradient.scalars, conv.bias?.gradient.scalars ?? [])
    }

    private func random(_ shape: [Int], seed: UInt64 = 3) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }
}
