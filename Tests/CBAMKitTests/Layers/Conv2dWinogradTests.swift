import XCTest
import CBAMKit
import OneDNN

/// Training runs 3×3 stride-1 fp32 convolutions by Winograd (`ConvolutionAlgorithm`),
/// which must give what the direct algorithm gives (run here by `.explaining`, which
/// keeps direct) to fp32's summation noise, in all three passes.
final class Conv2dWinogradTests: XCTestCase {
    func testTrainingConvolutionsRunWinogradAndAgreeWithDirect() throws {
        try XCTSkipUnless(ConvolutionAlgorithm.winogradAvailable, "oneDNN has no Winograd kernels on this CPU")
        var generator = RandomGenerator(seed: 5)
        let conv = Conv2d(20, 32, kernel: 3, padding: 1, bias: true, generator: &generator)
        for o in 0..<32 { conv.bias!.value.data[o] = 0.05 * Float(o) - 0.5 }
        let x = random([16, 20, 10, 10], seed: 1).reordered(to: .blocked)
        let dy = random([16, 32, 10, 10], seed: 2).reordered(to: .blocked)
        func run(_ mode: Mode) -> (results: [String: [Float]], implementations: [String]) {
            let y = conv.forward(x, mode)
            let dx = conv.backward(dy)
            return (["output": y.scalars, "∂input": dx.scalars, "∂weight": conv.weight.gradient.scalars,
                     "∂bias": conv.bias!.gradient.scalars], conv.implementations)
        }
        let winograd = run(.training), direct = run(.explaining)
        XCTAssertTrue(winograd.implementations.allSatisfy { $0.contains("wino") }, "\(winograd.implementations)")
        XCTAssertFalse(direct.implementations.contains { $0.contains("wino") }, "\(direct.implementations)")
        for (what, expected) in direct.results {
            let actual = try XCTUnwrap(winograd.results[what])
            let scale = expected.map(abs).max()!
            let worst = zip(expected, actual).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-5 * scale, what)
        }
    }

    func testWinogradOnlyWhereItPays() {
        func algorithm(batch: Int = 16, kernel: Int = 3, stride: Int = 1, input: ActivationFormat = .nChw16c,
                       precision: Precision = .fp32) -> ConvolutionAlgorithm {
            var g = Convolution.Geometry(batch: batch, inputChannels: 32, outputChannels: 32, height: 16, width: 16,
                                         kernel: kernel, stride: stride, padding: kernel / 2, hasBias: false,
                                         inputFormat: input, outputFormat: .nChw16c)
            g.precision = precision
            return ConvolutionAlgorithm.forTraining(g)
        }
        XCTAssertEqual(algorithm(), ConvolutionAlgorithm.winogradAvailable ? .winograd : .direct)
        XCTAssertEqual(algorithm(batch: 8), .direct, "small batches: the transforms cost what Winograd saves")
        XCTAssertEqual(algorithm(stride: 2), .direct)
        XCTAssertEqual(algorithm(kernel: 1), .direct)
        XCTAssertEqual(algorithm(input: .nchw), .direct, "the stem reads plain images")
        XCTAssertEqual(algorithm(precision: .bf16), .direct, "oneDNN has no bf16 Winograd")
    }

    private func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }
}
