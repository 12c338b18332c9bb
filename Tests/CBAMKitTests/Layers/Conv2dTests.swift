import XCTest
import CBAMKit

/// `Conv2d` against finite differences, on oneDNN and on the direct kernel.
final class Conv2dTests: XCTestCase {
    var check = GradientCheck()
    var generator = RandomGenerator(seed: 1)

    func testGradients() {
        // The last two run the direct kernel (CBAM's 2 → 1 spatial conv), the rest oneDNN.
        for (inputLayout, stride, kernel, bias, channels) in [(Layout.plain, 1, 3, true, 18), (.blocked, 2, 3, false, 18), (.blocked, 2, 1, false, 18),
                                                              (.plain, 1, 7, false, 18), (.plain, 1, 7, false, 1), (.plain, 1, 3, true, 1)] {
            let conv = Conv2d(inputLayout == .plain ? (channels == 1 ? 2 : 3) : 20, channels, kernel: kernel, stride: stride, padding: kernel / 2, bias: bias,
                              outputLayout: kernel == 7 || channels == 1 ? .plain : .blocked, generator: &generator)
            let x = check.random([2, conv.inputChannels, 7, 7])
            check.check("conv\(kernel)x\(kernel)/\(stride) \(inputLayout) →\(channels)", conv, input: x, layout: inputLayout)
        }
    }
}
