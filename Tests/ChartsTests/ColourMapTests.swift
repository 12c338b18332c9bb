import XCTest
import Charts

final class ColourMapTests: XCTestCase {
    /// The endpoints as the maps' authors publish them (matplotlib's tables, in 8 bits).
    func testMapsHitTheirPublishedEndpoints() {
        let expected: [(ColourMap, low: UInt32, high: UInt32)] = [
            (.viridis, 0x440154, 0xFDE725), (.magma, 0x000004, 0xFCFDBF), (.turbo, 0x30123B, 0x7A0403),
        ]
        for (map, low, high) in expected {
            XCTAssertEqual(map.table.count, 256, map.name)
            XCTAssertEqual(map.colour(at: 0), RGB(hex: low), map.name)
            XCTAssertEqual(map.colour(at: 1), RGB(hex: high), map.name)
            XCTAssertEqual(map.colour(at: -3), RGB(hex: low), "\(map.name) clamps below 0")
            XCTAssertEqual(map.colour(at: 7), RGB(hex: high), "\(map.name) clamps above 1")
        }
    }

    /// viridis and magma rise in lightness from end to end: that is what makes them perceptual.
    func testSequentialMapsRiseInLightness() {
        for map in [ColourMap.viridis, .magma] {
            let lumas = stride(from: 0.0, through: 1.0, by: 0.05).map { map.colour(at: $0).luma }
            XCTAssertEqual(lumas, lumas.sorted(), map.name)
        }
    }

    func testMapsAreFoundByName() {
        XCTAssertEqual(ColourMap(named: "Magma"), .magma)
        XCTAssertNil(ColourMap(named: "jet"))
    }
}
