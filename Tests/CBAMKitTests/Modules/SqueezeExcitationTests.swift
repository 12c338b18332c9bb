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

    func testMatchesPyTorch() throws {
        let reference = try ReferenceFixtures.load("layers")
        var generator = RandomGenerator(seed: 1)
        let se = SqueezeExcitation(channels: 16, reduction: 8, generator: &generator)
        try ReferenceFixtures.load(reference, prefix: "se.", into: se)
        let output = ReferenceFixtures.gatedFeatures(se, reference.tensors["se.input"]!)
        ReferenceFixtures.assertClose(output, reference.tensors["se.output"], "F ⊙ s")
        let (dFeatures, _) = se.backward(reference.tensors["se.upstream"]!.reordered(to: .blocked))
        ReferenceFixtures.assertClose(dFeatures, reference.tensors["se.input_grad"], "∂F")
        for (key, parameter) in se.parameters {
            ReferenceFixtures.assertClose(parameter.gradient, reference.tensors["se.grad.\(key)"], "∂\(key)")
        }
    }
}
