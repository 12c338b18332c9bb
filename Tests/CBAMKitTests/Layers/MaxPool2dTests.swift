import XCTest
import CBAMKit

/// `MaxPool2d` (3×3, stride 2, padding 1: the official ResNets' stem) against finite
/// differences and against the window maxima computed directly.
final class MaxPool2dTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        // 18 channels: a second, partly padded channel block; odd and even sides.
        check.check("max pool 3×3/2", MaxPool2d(kernel: 3, stride: 2, padding: 1), input: check.random([2, 18, 7, 6]), layout: .blocked)
    }

    func testValuesAreTheWindowMaxima() {
        let x = check.random([1, 3, 5, 4])
        let pool = MaxPool2d(kernel: 3, stride: 2, padding: 1)
        let y = pool.forward(x.reordered(to: .blocked), .inference)
        XCTAssertEqual(y.shape, [1, 3, 3, 2])
        let values = y.scalars
        for c in 0..<3 {
            for i in 0..<3 {
                for j in 0..<2 {
                    var best = -Float.infinity
                    for r in max(2 * i - 1, 0)...min(2 * i + 1, 4) {
                        for s in max(2 * j - 1, 0)...min(2 * j + 1, 3) { best = max(best, x.data[(c * 5 + r) * 4 + s]) }
                    }
                    XCTAssertEqual(values[(c * 3 + i) * 2 + j], best)
                }
            }
        }
    }
}
