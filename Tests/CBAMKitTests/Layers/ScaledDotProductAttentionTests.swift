import XCTest
import CBAMKit

/// `ScaledDotProductAttention` against finite differences, every token querying and
/// the class token alone, and the class token's row against the full attention's.
final class ScaledDotProductAttentionTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        let attention = ScaledDotProductAttention(heads: 3, headDimension: 4)
        let qkv = check.random([2, 5, 36])
        check.check("scaled dot-product attention", attention, input: qkv)
        check.check("class token's attention", tensors: [("qkv", qkv)],
                    forward: { attention.forward(qkv, .training, classTokenOnly: true) },
                    backward: { [attention.backward($0)] })
    }

    func testClassTokenRowIsTheFullAttentionsFirstRow() {
        let attention = ScaledDotProductAttention(heads: 3, headDimension: 4)
        let qkv = check.random([2, 5, 36])
        let full = attention.forward(qkv, .inference), first = attention.forward(qkv, .inference, classTokenOnly: true)
        XCTAssertEqual(first.shape, [2, 1, 12])
        for (a, b) in zip(first.scalars, full.slice(0..<1, axis: 1).scalars) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }
}
