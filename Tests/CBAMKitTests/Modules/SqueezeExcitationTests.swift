import XCTest
import CBAMKit

/// `SqueezeExcitation` against finite differences, and against the PyTorch `SELayer`
/// of Tests/PyTorch/cbam_reference.py (the `se.` tensors of Fixtures/layers.safetensors).
final class SqueezeExcitationTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        var generator = RandomGenerator(seed: 7)
        check.check("se attention", SqueezeExcitation(channels: 20, reduction: 4, generator: &generator), channels: 20)
    }

    /// A training step: F ⊙ s, ∂F and every parameter's gradient.
    func testMatchesPyTorch() throws {
        var generator = RandomGenerator(seed: 1)
        try ReferenceFixtures.assertTrainingStepMatches(SqueezeExcitation(channels: 16, reduction: 8, generator: &generator), prefix: "se.")
    }
}
