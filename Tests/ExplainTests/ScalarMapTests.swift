import XCTest
import CBAMKit
import Charts
import ImageCodecs

final class ScalarMapTests: XCTestCase {
    /// The values PyTorch's interpolate(scale_factor=2, mode="bilinear", align_corners=False) gives.
    func testBilinearUpsamplingMatchesPyTorch() {
        let map = ScalarMap(width: 2, height: 2, values: [0, 1, 2, 3])
        XCTAssertEqual(map.resized(width: 4, height: 4).values, [
            0, 0.25, 0.75, 1,
            0.5, 0.75, 1.25, 1.5,
            1.5, 1.75, 2.25, 2.5,
            2, 2.25, 2.75, 3,
        ])
    }

    func testUpsampledMapsHaveTheAskedSizeAndStayInRange() {
        var generator = RandomGenerator(seed: 1)
        let map = ScalarMap(width: 7, height: 4, values: (0..<28).map { _ in generator.nextUniform() })
        for (width, height) in [(28, 28), (13, 31), (7, 4), (3, 2)] {
            let resized = map.resized(width: width, height: height)
            XCTAssertEqual(resized.values.count, width * height)
            XCTAssertTrue(resized.values.allSatisfy { $0 >= map.values.min()! && $0 <= map.values.max()! })
        }
    }

    func testGreyImageMapsZeroToBlackAndOneToWhite() {
        let grey = ScalarMap(width: 4, height: 1, values: [-1, 0, 0.5, 2]).greyImage()
        XCTAssertEqual(grey.channels, 1)
        XCTAssertEqual(grey.pixels, [0, 0, 128, 255])
    }

    func testHeatOverlayBlendsTheColourMapOverTheImage() {
        let image = Image(width: 2, height: 1, channels: 1, pixels: [0, 255])
        let map = ScalarMap(width: 2, height: 1, values: [1, 0])
        let overlay = map.heatOverlay(on: image, colourMap: .viridis, opacity: 1)
        XCTAssertEqual(Array(overlay.pixels[0..<3]), [0xFD, 0xE7, 0x25])
        XCTAssertEqual(Array(overlay.pixels[3..<6]), [0x44, 0x01, 0x54])
        XCTAssertEqual(map.heatOverlay(on: image, colourMap: .viridis, opacity: 0).pixels, [0, 0, 0, 255, 255, 255])
    }
}
