import XCTest
import CBAMKit

/// The same seed (and thread count) gives the same weights after training steps,
/// bit for bit: a run can be reproduced and, later, resumed exactly.
final class DeterminismTests: XCTestCase {
    private func trainedWeights(seed: UInt64) -> [[Float]] {
        let model = ResNet(ModelConfiguration(attention: .cbam, channels: 3, imageSize: 12, classes: 3, width: 8), seed: seed)
        var generator = RandomGenerator(seed: seed &+ 1)
        let images = Tensor(shape: [6, 3, 12, 12], values: (0..<(6 * 3 * 144)).map { _ in generator.nextNormal() })
        let labels = [0, 1, 2, 0, 1, 2]
        let optimizer = AdamW(learningRate: 1e-2)
        for _ in 0..<3 {
            let logits = model.forward(images, .training)
            model.backward(SoftmaxCrossEntropy(labelSmoothing: 0.1)(logits, labels: labels).gradient, inputGradient: false)
            optimizer.step(model.parameters)
        }
        return model.state.map { $0.tensor.scalars }
    }

    func testSameSeedSameWeights() {
        XCTAssertEqual(trainedWeights(seed: 3), trainedWeights(seed: 3))
    }

    func testDifferentSeedDifferentWeights() {
        XCTAssertNotEqual(trainedWeights(seed: 3), trainedWeights(seed: 4))
    }
}
