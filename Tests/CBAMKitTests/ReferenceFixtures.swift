import XCTest
import Foundation
import CBAMKit

/// The PyTorch fixtures (Tests/PyTorch/make_fixtures.py, make_vit_fixtures.py) and
/// how results are compared with them.
enum ReferenceFixtures {
    /// 1e-4 relative to the largest reference value (see PyTorchReferenceTests for why).
    static let tolerance: Float = 1e-4

    static func load(_ name: String) throws -> SafeTensors {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("\(name).safetensors")
        return try SafeTensors(contentsOf: url)
    }

    static func assertClose(_ actual: Tensor, _ expected: Tensor?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let expected else { return XCTFail("fixture lacks \(what)", file: file, line: line) }
        let a = actual.scalars, e = expected.scalars
        XCTAssertEqual(a.count, e.count, "\(what): element count", file: file, line: line)
        guard a.count == e.count else { return }
        let scale = max(e.map(abs).max() ?? 0, 1e-6)
        let worst = zip(a, e).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst / scale, tolerance, "\(what): max |Δ| \(worst), max |ref| \(scale)", file: file, line: line)
    }
}
