import XCTest
import Foundation
import CBAMKit

/// `RowSoftmax` against finite differences (a row length off a multiple of 16) and
/// against a softmax in Double.
final class RowSoftmaxTests: XCTestCase {
    var check = GradientCheck()

    func testGradientsAndValues() {
        let x = check.random([2, 3, 19], scale: 2)
        let softmax = RowSoftmax(scale: 0.7)
        check.check("row softmax", softmax, input: x)
        let p = softmax.forward(x, .inference).scalars
        for row in 0..<6 {
            let values = (0..<19).map { Double(x.data[row * 19 + $0]) * 0.7 }
            let top = values.max()!, total = values.reduce(0) { $0 + Foundation.exp($1 - top) }
            for j in 0..<19 { XCTAssertEqual(Double(p[row * 19 + j]), Foundation.exp(values[j] - top) / total, accuracy: 1e-6) }
        }
    }
}
