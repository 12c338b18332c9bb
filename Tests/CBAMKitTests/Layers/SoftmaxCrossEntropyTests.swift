import XCTest
import CBAMKit

/// `SoftmaxCrossEntropy` against finite differences, and against PyTorch's
/// `cross_entropy` (the `ce.` tensors of Fixtures/layers.safetensors).
final class SoftmaxCrossEntropyTests: XCTestCase {
    var check = GradientCheck()

    func testGradientWithLabelSmoothing() {
        let logits = check.random([4, 6])
        let labels = [0, 5, 2, 2]
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        // L here is the loss itself; its gradient is checked along a random direction.
        let (_, gradient) = loss(logits, labels: labels)
        let direction = check.random([4, 6])
        let h: Float = 1e-2
        func perturbed(_ s: Float) -> Double {
            let t = Tensor(shape: [4, 6], values: (0..<24).map { logits.data[$0] + s * direction.data[$0] })
            return Double(loss(t, labels: labels).loss)
        }
        let numeric = (perturbed(h) - perturbed(-h)) / Double(2 * h)
        let analytic = (0..<24).reduce(0.0) { $0 + Double(gradient.data[$1] * direction.data[$1]) }
        XCTAssertEqual(numeric, analytic, accuracy: 1e-3 * max(1, abs(analytic)))
    }

    func testMatchesPyTorch() throws {
        let reference = try ReferenceFixtures.load("layers")
        let logits = reference.tensors["ce.logits"]!
        let labels = reference.tensors["ce.labels"]!.scalars.map { Int($0) }
        let (loss, gradient) = SoftmaxCrossEntropy(labelSmoothing: 0.1)(logits, labels: labels)
        XCTAssertEqual(loss, reference.tensors["ce.loss"]!.scalars[0], accuracy: 1e-5 * max(1, abs(loss)))
        ReferenceFixtures.assertClose(gradient, reference.tensors["ce.grad"], "∂logits")
        let plain = SoftmaxCrossEntropy()(logits, labels: labels).loss
        XCTAssertEqual(plain, reference.tensors["ce.loss_no_smoothing"]!.scalars[0], accuracy: 1e-5 * max(1, abs(plain)))
    }
}
