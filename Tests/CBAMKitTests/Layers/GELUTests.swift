import XCTest
import Foundation
import CBAMKit

/// `GELU` against finite differences and against erf from the C library (the
/// vector erf it rests on is a polynomial).
final class GELUTests: XCTestCase {
    var check = GradientCheck()

    func testGradientsAndValues() {
        let x = check.random([3, 41], scale: 2)
        let gelu = GELU()
        check.check("gelu", gelu, input: x)
        let y = gelu.forward(x, .inference).scalars
        for i in 0..<x.count {
            let v = Double(x.data[i])
            XCTAssertEqual(Double(y[i]), 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot())), accuracy: 1e-6, "GELU(\(v))")
        }
    }
}
