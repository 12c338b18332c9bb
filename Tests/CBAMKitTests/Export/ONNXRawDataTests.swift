import Foundation
import XCTest
@testable import CBAMKit

/// The bytes of ONNX initializers: float32 as it is, bfloat16 rounded to nearest, ties to even.
final class ONNXRawDataTests: XCTestCase {
    func testFloat32IsLittleEndian() {
        XCTAssertEqual([UInt8](ONNXRawData.float32([1, -2])), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    func testBFloat16RoundsToNearestTiesToEven() {
        func bits(_ pattern: UInt32) -> UInt16 { ONNXRawData.bfloat16Bits(Float(bitPattern: pattern)) }
        XCTAssertEqual(bits(0x3F80_0000), 0x3F80, "1 is exact")
        XCTAssertEqual(bits(0x3F80_7FFF), 0x3F80, "below half a step rounds down")
        XCTAssertEqual(bits(0x3F80_8000), 0x3F80, "a tie goes to the even neighbour (down)")
        XCTAssertEqual(bits(0x3F81_8000), 0x3F82, "a tie goes to the even neighbour (up)")
        XCTAssertEqual(bits(0x3F80_8001), 0x3F81, "above half a step rounds up")
        XCTAssertTrue(Float(bitPattern: UInt32(ONNXRawData.bfloat16Bits(.nan)) << 16).isNaN, "NaN stays NaN")
        XCTAssertEqual([UInt8](ONNXRawData.bfloat16([1])), [0x80, 0x3F])
    }
}
