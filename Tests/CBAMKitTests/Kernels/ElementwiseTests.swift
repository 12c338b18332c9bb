import XCTest
@testable import CBAMKit

/// `Elementwise` maps over sizes off a multiple of 16: the tail vector reads past the end
/// (into the pool's slack) but must write only the tensor's own elements, and exactly.
final class ElementwiseTests: XCTestCase {
    func testMapsAreExactIncludingTheTail() {
        for count in [5, 16, 21, 4096 + 37] {
            let a = Tensor(shape: [count], values: (0..<count).map { Float($0 % 11) - 5.5 })
            let b = Tensor(shape: [count], values: (0..<count).map { Float($0 % 7) * 0.25 })
            let sum = Elementwise.add(a, b).scalars, relu = Elementwise.relu(a).scalars
            for i in 0..<count {
                XCTAssertEqual(sum[i], a.data[i] + b.data[i], "add, element \(i) of \(count)")
                XCTAssertEqual(relu[i], max(a.data[i], 0), "relu, element \(i) of \(count)")
            }
        }
    }
}
