import XCTest
import CBAMKit

/// `TokenEmbedding` against finite differences: blocked patches in, tokens out.
final class TokenEmbeddingTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        var generator = RandomGenerator(seed: 5)
        let embedding = TokenEmbedding(dimension: 20, patches: 6, generator: &generator)
        check.check("token embedding", embedding, input: check.random([2, 20, 2, 3]), layout: .blocked)
    }
}
