@testable import CBAMKit

/// Inverted dropout: in training, zeroes each element with probability p and
/// scales the rest by 1/(1 − p); the identity otherwise.
final class Dropout: Layer {
    let probability: Float
    private var mask: Tensor?
    private var generator: RandomGenerator

    init(probability: Float, seed: UInt64 = 0) {
        self.probability = probability
        generator = RandomGenerator(seed: seed)
    }

    func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        guard mode.usesBatchStatistics, probability > 0 else { mask = nil; return x }
        let keep = 1 / (1 - probability)
        let m = Tensor(shape: x.shape, layout: x.layout)
        for i in 0..<m.storageCount { m.data[i] = generator.nextUniform() < probability ? 0 : keep }
        mask = m
        return Elementwise.multiply(x, m)
    }

    /// ∂x = dy ⊙ the same mask.
    func backward(_ dy: Tensor) -> Tensor { mask.map { Elementwise.multiply(dy, $0) } ?? dy }
}
