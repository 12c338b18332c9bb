import XCTest
import ImageCodecs

/// Every fixture decodes to exactly the pixels the reference gave
/// (the stored values for PNG, Pillow's libjpeg-turbo decode for JPEG).
final class DecodingTests: XCTestCase {
    private func checkCases(where include: (String) -> Bool, minimum: Int) throws {
        let cases = Fixtures.manifest.decode.filter { include($0.file) }
        XCTAssertGreaterThanOrEqual(cases.count, minimum)
        for expected in cases {
            let decoded = try Image(contentsOf: Fixtures.path(expected.file),
                                    options: DecodeOptions(keepAlpha: expected.keepAlpha))
            let want = expected.image
            let label = "\(expected.file) keepAlpha=\(expected.keepAlpha)"
            XCTAssertEqual([decoded.width, decoded.height, decoded.channels],
                           [want.width, want.height, want.channels], label)
            if decoded.pixels != want.pixels {
                let differing = zip(decoded.pixels, want.pixels).filter { $0 != $1 }.count
                XCTFail("\(label): \(differing) of \(want.pixels.count) samples differ")
            }
        }
    }

    func testEveryPNGColourTypeAndBitDepth() throws {
        try checkCases(where: { $0.hasSuffix(".png") }, minimum: 50)
    }

    func testJPEGVariants() throws {
        try checkCases(where: { $0.hasSuffix(".jpg") && !$0.hasPrefix("exif") }, minimum: 13)
    }

    func testEXIFOrientations() throws {
        try checkCases(where: { $0.hasPrefix("exif_orientation") }, minimum: 8)
    }

    func testFormatIsFoundFromTheBytesNotTheName() throws {
        let jpeg = Fixtures.bytes("rgb_420.jpg")
        XCTAssertEqual(ImageFormat(detecting: jpeg), .jpeg)
        XCTAssertEqual(ImageFormat(detecting: Fixtures.bytes("rgb8.png")), .png)
        XCTAssertNil(ImageFormat(detecting: [UInt8]("GIF89a".utf8)))
        let misnamed = try Image.decode(jpeg, name: "really-a-jpeg.png")
        XCTAssertEqual(misnamed, try Image(contentsOf: Fixtures.path("rgb_420.jpg")))
    }

    func testDecodingIntoAnImageReusesItsMemory() throws {
        var image = Image()
        let big = Fixtures.bytes("rgb_444.jpg"), small = Fixtures.bytes("grey8.png")
        try big.withUnsafeBytes { try image.decode($0, name: "big") }
        let bigImage = image
        try small.withUnsafeBytes { try image.decode($0, name: "small") }
        XCTAssertEqual(image, try Image.decode(small, name: "small"))
        try big.withUnsafeBytes { try image.decode($0, name: "big") }
        XCTAssertEqual(image, bigImage)
    }

    func testSixteenBitPNGKeepsTheHighByte() throws {
        let image = try Image(contentsOf: Fixtures.path("rgb16.png"))
        XCTAssertEqual(image.channels, 3)
        XCTAssertEqual(image.width * image.height * 3, image.pixels.count)
    }

    func testPixelLimitIsSettable() throws {
        let options = DecodeOptions(maxPixels: 45 * 33 - 1)
        XCTAssertThrowsError(try Image(contentsOf: Fixtures.path("rgb_420.jpg"), options: options))
        XCTAssertNoThrow(try Image(contentsOf: Fixtures.path("rgb_420.jpg"), options: DecodeOptions(maxPixels: 45 * 33)))
    }
}
