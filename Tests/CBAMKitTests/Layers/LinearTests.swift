import XCTest
import CBAMKit

/// `Linear` against finite differences, and its fused forms (adding into a stream,
/// GELU in the product) against the plain ones.
final class LinearTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        var generator = RandomGenerator(seed: 1)
        let linear = Linear(7, 5, generator: &generator)
        for i in 0..<5 { linear.bias!.value.data[i] = Float(i) * 0.1 }
        check.check("linear", linear, input: check.random([4, 7]))
    }

    func testAddingIntoAStreamAndFusedGELU() {
        var generator = RandomGenerator(seed: 5)
        let linear = Linear(7, 5, generator: &generator)
        for i in 0..<5 { linear.bias!.value.data[i] = Float(i) * 0.1 }
        let x = check.random([4, 7]), stream = check.random([4, 5])
        let expected = zip(linear.forward(x, .training).scalars, stream.scalars).map { $0 + $1 }
        let out = linear.forward(x, .training, addingTo: stream.copy())
        for (a, b) in zip(out.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        let fused = linear.forwardGELU(x).scalars, gelu = GELU().forward(linear.forward(x, .inference), .inference).scalars
        for (a, b) in zip(fused, gelu) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }
}
