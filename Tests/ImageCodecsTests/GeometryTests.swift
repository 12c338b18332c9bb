import Foundation
import XCTest
import ImageCodecs

final class GeometryTests: XCTestCase {
    func testResizeMatchesPillowBilinearWithinOne() throws {
        let cases = Fixtures.manifest.resize
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        for expected in cases {
            let source = try Image(contentsOf: Fixtures.path(expected.source))
            let resized = source.resized(width: expected.width, height: expected.height)
            let want = [UInt8](Data(base64Encoded: expected.pixels)!)
            XCTAssertEqual([resized.width, resized.height], [expected.width, expected.height])
            let label = "\(expected.source) to \(expected.width)x\(expected.height)"
            XCTAssertEqual(resized.pixels.count, want.count, label)
            let worst = zip(resized.pixels, want).map { abs(Int($0) - Int($1)) }.max() ?? 0
            // Pillow 13 sometimes resamples columns before rows, which can
            // round a sample the other way; earlier Pillows match exactly.
            XCTAssertLessThanOrEqual(worst, 1, label)
        }
    }

    func testResizeToTheSameSizeIsIdentity() {
        let image = EncodingTests.pattern(width: 6, height: 5, channels: 3)
        XCTAssertEqual(image.resized(width: 6, height: 5), image)
    }

    func testResizeOfAConstantImageStaysConstant() {
        let grey = Image(width: 97, height: 61, channels: 2, value: 77)
        XCTAssertEqual(grey.resized(width: 13, height: 200), Image(width: 13, height: 200, channels: 2, value: 77))
    }

    /// A 4 x 3 grey image 0...11, row by row.
    private let counting = Image(width: 4, height: 3, channels: 1, pixels: Array(0..<12))

    func testCrop() {
        XCTAssertEqual(counting.cropped(x: 1, y: 1, width: 2, height: 2).pixels, [5, 6, 9, 10])
        XCTAssertEqual(counting.centerCropped(width: 2, height: 2).pixels, [1, 2, 5, 6])   // odd margin: offset rounded down
        XCTAssertEqual(counting.centerCropped(width: 1, height: 3).pixels, [1, 5, 9])
        XCTAssertEqual(counting.centerCropped(width: 4, height: 3), counting)
    }

    func testPad() {
        let padded = Image(width: 2, height: 1, channels: 2, pixels: [1, 2, 3, 4]).padded(by: 1, value: 9)
        XCTAssertEqual([padded.width, padded.height, padded.channels], [4, 3, 2])
        XCTAssertEqual(padded.pixels, [9, 9, 9, 9, 9, 9, 9, 9,
                                       9, 9, 1, 2, 3, 4, 9, 9,
                                       9, 9, 9, 9, 9, 9, 9, 9])
        XCTAssertEqual(counting.padded(by: 0), counting)
    }

    func testHorizontalFlip() {
        let rgb = Image(width: 3, height: 2, channels: 3, pixels: Array(0..<18))
        XCTAssertEqual(rgb.flippedHorizontally().pixels, [6, 7, 8, 3, 4, 5, 0, 1, 2,
                                                          15, 16, 17, 12, 13, 14, 9, 10, 11])
        XCTAssertEqual(rgb.flippedHorizontally().flippedHorizontally(), rgb)
    }

    func testChannelConversions() {
        let rgb = Image(width: 3, height: 1, channels: 3, pixels: [255, 0, 0, 10, 200, 30, 255, 255, 255])
        // BT.601: 0.299 * 255 = 76.245; 0.299*10 + 0.587*200 + 0.114*30 = 123.81
        XCTAssertEqual(rgb.converted(toChannels: 1).pixels, [76, 124, 255])
        XCTAssertEqual(rgb.converted(toChannels: 4).pixels, [255, 0, 0, 255, 10, 200, 30, 255, 255, 255, 255, 255])
        XCTAssertEqual(rgb.converted(toChannels: 2).pixels, [76, 255, 124, 255, 255, 255])

        let grey = Image(width: 2, height: 1, channels: 1, pixels: [7, 200])
        XCTAssertEqual(grey.converted(toChannels: 3).pixels, [7, 7, 7, 200, 200, 200])
        XCTAssertEqual(grey.converted(toChannels: 2).pixels, [7, 255, 200, 255])

        // Alpha dropped: composited over white, (v * a + 255 * (255 - a) + 127) / 255.
        let rgba = Image(width: 2, height: 1, channels: 4, pixels: [100, 0, 255, 128, 9, 9, 9, 0])
        XCTAssertEqual(rgba.converted(toChannels: 3).pixels, [177, 127, 255, 255, 255, 255])
        XCTAssertEqual(rgba.converted(toChannels: 1).pixels, [157, 255])   // composite, then luma
        XCTAssertEqual(rgba.converted(toChannels: 2).pixels, [59, 128, 9, 0])
        let greyAlpha = Image(width: 1, height: 1, channels: 2, pixels: [0, 64])
        XCTAssertEqual(greyAlpha.converted(toChannels: 1).pixels, [191])
        XCTAssertEqual(greyAlpha.converted(toChannels: 4).pixels, [0, 0, 0, 64])
    }

    func testCHWNormalisation() {
        let rgb = Image(width: 2, height: 1, channels: 3, pixels: [0, 128, 255, 51, 102, 153])
        let mean: [Float] = [0.5, 0.25, 0], std: [Float] = [0.5, 0.25, 2]
        let planes = rgb.chw(mean: mean, std: std)
        let expected: [Float] = [(0 - 0.5) / 0.5, (0.2 - 0.5) / 0.5,
                                 (128.0 / 255 - 0.25) / 0.25, (0.4 - 0.25) / 0.25,
                                 1 / 2, 0.6 / 2]
        XCTAssertEqual(planes.count, 6)
        for (got, want) in zip(planes, expected) { XCTAssertEqual(got, want, accuracy: 1e-5) }

        var buffer = [Float](repeating: .nan, count: 7)
        buffer.withUnsafeMutableBufferPointer { rgb.writeCHW(into: $0.baseAddress!, mean: mean, std: std) }
        XCTAssertEqual(Array(buffer[..<6]), planes)
        XCTAssertTrue(buffer[6].isNaN, "wrote past the image")
    }
}
