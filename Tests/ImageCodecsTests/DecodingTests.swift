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

/// `ImageHeader`: a file's size and channels from its header, as a full decode gives them.
final class ImageHeaderTests: XCTestCase {
    func testHeadersGiveTheDecodedSizeAndChannels() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (width, height, channels) in [(37, 21, 3), (8, 50, 1)] {
            let path = folder + "/image-\(width).png"
            try Image(width: width, height: height, channels: channels, pixels: [UInt8](repeating: 90, count: width * height * channels))
                .writePNG(to: path)
            XCTAssertEqual(ImageHeader(contentsOf: path), ImageHeader(width: width, height: height, channels: channels))
        }
        for name in ["exif_orientation_1.jpg", "arithmetic_progressive.jpg", "cmyk_adobe.jpg"] {
            let decoded = try Image(contentsOf: Fixtures.path(name))
            let header = try XCTUnwrap(ImageHeader(contentsOf: Fixtures.path(name)), name)
            XCTAssertEqual(header.shorterSide, min(decoded.width, decoded.height), name)
        }
        XCTAssertNil(ImageHeader(bytes: Array("not an image".utf8)))
        XCTAssertNil(ImageHeader(contentsOf: folder + "/missing.png"))
    }
}
