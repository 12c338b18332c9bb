import XCTest
import CBAMKit

/// Rows, slices, stacking and assignment of plain tensors, against index arithmetic.
final class TensorPartsTests: XCTestCase {
    /// [2, 3, 4] holding 0, 1, 2, …
    private let counting = Tensor(shape: [2, 3, 4], values: (0..<24).map(Float.init))

    func testRowsAndScalars() {
        XCTAssertEqual(counting.row(1), (12..<24).map(Float.init))
        XCTAssertEqual(counting.scalars(5..<8), [5, 6, 7])
        XCTAssertEqual(counting.rows(1..<2).shape, [1, 3, 4])
        XCTAssertEqual(counting.rows(1..<2).scalars, counting.row(1))
    }

    func testSliceAlongEachAxisAndItsInverse() {
        let middle = counting.slice(1..<3, axis: 1)
        XCTAssertEqual(middle.shape, [2, 2, 4])
        XCTAssertEqual(middle.scalars, [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23])
        XCTAssertEqual(counting.slice(3..<4, axis: 2).scalars, [3, 7, 11, 15, 19, 23])
        let target = Tensor.zeros([2, 3, 4])
        target.setSlice(1..<3, axis: 1, to: middle)
        XCTAssertEqual(target.scalars, counting.scalars.enumerated().map { ($0.offset / 4) % 3 == 0 ? 0 : $0.element })
    }

    func testStackingAndAssign() {
        let stacked = Tensor.stacking([counting.rows(1..<2), counting.rows(0..<1)])
        XCTAssertEqual(stacked.shape, [2, 3, 4])
        XCTAssertEqual(stacked.scalars, counting.row(1) + counting.row(0))
        stacked.assign(Array(repeating: 7, count: 24))
        XCTAssertEqual(stacked.scalars, Array(repeating: 7, count: 24))
    }
}
