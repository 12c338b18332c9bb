import Foundation
import XCTest
import ImageCodecs

final class EncodingTests: XCTestCase {
    /// An image whose every sample differs from its neighbours.
    static func pattern(width: Int, height: Int, channels: Int) -> Image {
        Image(width: width, height: height, channels: channels,
              pixels: (0..<(width * height * channels)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 13) })
    }

    func testRoundTripIsExactForEveryChannelCount() throws {
        for channels in 1...4 {
            let image = Self.pattern(width: 31, height: 19, channels: channels)
            let png = try image.pngData()
            XCTAssertEqual(ImageFormat(detecting: png), .png)
            XCTAssertEqual(try Image.decode(png, name: "round trip", options: DecodeOptions(keepAlpha: true)), image)
        }
    }

    func testIncompressibleImageStillEncodes() throws {
        var generator = SystemRandomNumberGenerator()
        let noise = Image(width: 200, height: 150, channels: 3,
                          pixels: (0..<(200 * 150 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        XCTAssertEqual(try Image.decode(noise.pngData(), name: "noise"), noise)
    }

    func testWritePNGReplacesTheFileWhole() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.png"
        let first = Self.pattern(width: 5, height: 4, channels: 1)
        let second = Self.pattern(width: 9, height: 7, channels: 4)
        try first.writePNG(to: path)
        try second.writePNG(to: path)
        XCTAssertEqual(try Image(contentsOf: path, options: DecodeOptions(keepAlpha: true)), second)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["out.png"])
    }

    func testWritingIntoAMissingFolderFails() {
        XCTAssertThrowsError(try Self.pattern(width: 2, height: 2, channels: 3).writePNG(to: "/nonexistent-folder/x.png")) {
            XCTAssertEqual(($0 as? ImageError)?.description, "/nonexistent-folder/x.png: No such file or directory")
        }
    }
}
