import XCTest
import CBAMKit

/// `MultiHeadSelfAttention` against finite differences.
final class MultiHeadSelfAttentionTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        var generator = RandomGenerator(seed: 5)
        let attention = MultiHeadSelfAttention(dimension: 12, heads: 3, generator: &generator)
        check.check("attention", attention, input: check.random([2, 5, 12]))
    }
}
