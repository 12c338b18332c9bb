import XCTest
import CBAMKit

/// `TransformerMLP` against finite differences, and its inference form (GELU fused
/// into fc1) against its training form.
final class TransformerMLPTests: XCTestCase {
    var check = GradientCheck()

    func testGradientsAndFusedInference() {
        var generator = RandomGenerator(seed: 5)
        let mlp = TransformerMLP(dimension: 12, hidden: 21, generator: &generator)
        check.perturb(mlp.parameters)
        let x = check.random([2, 5, 12])
        check.check("transformer mlp", mlp, input: x)
        for (a, b) in zip(mlp.forward(x, .inference).scalars, mlp.forward(x, .training).scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }
}
