import XCTest
import CBAMKit

/// `EncoderBlock` against finite differences, whole and for the class token alone.
final class EncoderBlockTests: XCTestCase {
    var check = GradientCheck()

    func testGradientsAndClassTokenRow() {
        var generator = RandomGenerator(seed: 5)
        let block = EncoderBlock(dimension: 12, heads: 2, mlpRatio: 2, generator: &generator)
        check.perturb(block.parameters)
        let x = check.random([2, 5, 12])
        let parameters = block.parameters
        for classTokenOnly in [false, true] {
            check.check("encoder block classTokenOnly:\(classTokenOnly)", tensors: [("x", x)] + parameters.map { ($0.key, $0.parameter.value) },
                        forward: { block.forward(x, .training, classTokenOnly: classTokenOnly) },
                        backward: { dy in [block.backward(dy)] + parameters.map { $0.parameter.gradient } })
        }
        // The class token's row alone is the full block's first row.
        let full = block.forward(x, .inference).scalars, first = block.forward(x, .inference, classTokenOnly: true).scalars
        for image in 0..<2 {
            for j in 0..<12 { XCTAssertEqual(first[image * 12 + j], full[image * 5 * 12 + j], accuracy: 1e-5) }
        }
    }
}
