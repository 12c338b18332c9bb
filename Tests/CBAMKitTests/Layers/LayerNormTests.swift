import XCTest
import CBAMKit

/// `LayerNorm` against finite differences (a feature count off a multiple of 16 too,
/// for the row tail), with its residual copy and added gradient.
final class LayerNormTests: XCTestCase {
    var check = GradientCheck()

    func testGradientsAndResidualPath() {
        for features in [16, 21] {
            let norm = LayerNorm(features)
            let gamma = check.random([features], scale: 0.5), beta = check.random([features], scale: 0.5)
            for i in 0..<features { norm.weight.value.data[i] = 1 + gamma.data[i]; norm.bias.value.data[i] = beta.data[i] }
            let x = check.random([2, 3, features]), residual = check.random([2, 3, features])
            check.check("layernorm d=\(features)", norm, input: x)
            // The residual copy is x itself, and the added gradient arrives unchanged.
            let (_, copy) = norm.forward(x, .training, copyingInput: true)
            XCTAssertEqual(copy!.scalars, x.scalars)
            let dy = check.random([2, 3, features])
            let plain = norm.backward(dy).scalars, summed = norm.backward(dy, adding: residual).scalars
            for i in plain.indices { XCTAssertEqual(summed[i], plain[i] + residual.data[i], accuracy: 1e-6) }
        }
    }
}
