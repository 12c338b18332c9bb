import XCTest
import CBAMKit

/// The plain block's ending, relu(F + shortcut), against finite differences.
final class NoAttentionTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() { check.check("no attention", NoAttention(), channels: 8) }
}
