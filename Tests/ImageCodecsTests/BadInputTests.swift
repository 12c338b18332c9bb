import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest
import ImageCodecs

/// Every bad input is a thrown ImageError naming the file and the reason.
final class BadInputTests: XCTestCase {
    private func reason(decoding bytes: [UInt8], options: DecodeOptions = DecodeOptions(),
                        file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try Image.decode(bytes, name: "input", options: options)
            XCTFail("decoded without an error", file: file, line: line)
            return nil
        } catch let error as ImageError {
            XCTAssertEqual(error.file, "input", file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
            return error.reason
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    private func reason(reading path: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try Image(contentsOf: path)
            XCTFail("read without an error", file: file, line: line)
        } catch let error as ImageError {
            XCTAssertEqual(error.file, path, file: file, line: line)
            return error.reason
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
        return nil
    }

    func testErrorDescriptionIsFileThenReason() {
        XCTAssertEqual(ImageError(file: "photo.jpg", reason: "truncated JPEG data").description,
                       "photo.jpg: truncated JPEG data")
    }

    func testNeitherPNGNorJPEG() {
        XCTAssertEqual(reason(decoding: [UInt8]("GIF89a and more".utf8)), "not a PNG or JPEG file")
        XCTAssertEqual(reason(decoding: []), "empty file")
    }

    func testFilesThatCannotBeRead() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let empty = folder + "/empty.png"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        XCTAssertEqual(reason(reading: empty), "empty file")
        XCTAssertEqual(reason(reading: folder), "Is a directory")
        XCTAssertEqual(reason(reading: folder + "/missing.jpg"), "No such file or directory")
    }

    func testPNGWithABadCRC() throws {
        var bytes = Fixtures.bytes("rgb8.png")
        // The data stays intact (zlib would complain first); its CRC, after it, is changed.
        let idat = try XCTUnwrap(bytes.firstRange(of: Array("IDAT".utf8)))
        let length = bytes[idat.lowerBound - 4..<idat.lowerBound].reduce(0) { $0 << 8 | Int($1) }
        bytes[idat.upperBound + length] ^= 0xFF
        XCTAssertEqual(reason(decoding: bytes), "invalid PNG: IDAT: CRC error")
    }

    func testPNGWithABadZlibStream() {
        let reason = reason(decoding: Fixtures.bytes("bad_zlib.png")) ?? ""
        XCTAssertTrue(reason.hasPrefix("invalid PNG: IDAT:"), reason)
    }

    func testTruncatedPNGAtEveryLength() {
        for name in ["rgb8.png", "rgba8_interlaced.png", "palette4_trns.png"] {
            let bytes = Fixtures.bytes(name)
            for length in 8..<bytes.count {
                XCTAssertEqual(reason(decoding: Array(bytes[..<length])), "truncated PNG data", "\(name) cut at \(length)")
            }
        }
    }

    func testTruncatedJPEGAtEveryLength() {
        for name in ["rgb_420.jpg", "progressive.jpg", "arithmetic_progressive.jpg", "restarts.jpg", "exif_orientation_6.jpg"] {
            let bytes = Fixtures.bytes(name)
            for length in 3..<bytes.count {
                XCTAssertEqual(reason(decoding: Array(bytes[..<length])), "truncated JPEG data", "\(name) cut at \(length)")
            }
        }
    }

    /// libjpeg only warns about these (and pads with grey); here they are errors.
    func testCorruptJPEGDataIsAnError() throws {
        let original = Fixtures.bytes("rgb_420.jpg")
        let sos = try XCTUnwrap(original.firstRange(of: [0xFF, 0xDA])).lowerBound
        let scan = sos + 2 + Int(original[sos + 2]) << 8 + Int(original[sos + 3])
        var strayMarker = original, zeroed = original, badCodes = original
        strayMarker.replaceSubrange(scan + 200..<scan + 202, with: [0xFF, 0xD3])
        zeroed.replaceSubrange(scan + 50..<scan + 60, with: [UInt8](repeating: 0, count: 10))
        for i in scan + 100..<scan + 140 { badCodes[i] = i % 2 == 0 ? 0xFF : 0x00 }
        for corrupt in [strayMarker, zeroed, badCodes] {
            let reason = reason(decoding: corrupt) ?? ""
            XCTAssertTrue(reason.hasPrefix("invalid JPEG: Corrupt JPEG data"), reason)
        }
    }

    func testDecompressionBombsAreRefusedBeforeAllocating() {
        let cases = ["bomb_header.png": "100000 x 100000", "bomb_inflate.png": "20000 x 15000",
                     "bomb_progressive.jpg": "65500 x 65500"]
        for (name, size) in cases {
            XCTAssertEqual(reason(decoding: Fixtures.bytes(name)),
                           "image is \(size) pixels, over the limit of 64000000 pixels", name)
        }
    }

    func testTwelveBitJPEGIsUnsupported() {
        XCTAssertEqual(reason(decoding: Fixtures.bytes("twelve_bit.jpg")),
                       "unsupported JPEG: 12-bit samples (only 8-bit is supported)")
    }

    /// libpng and libjpeg print warnings and errors by default; here they are silent.
    func testLibrariesPrintNothingToStandardError() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let captured = folder + "/stderr.txt"
        let file = open(captured, O_WRONLY | O_CREAT, 0o644)
        let saved = dup(STDERR_FILENO)
        dup2(file, STDERR_FILENO)
        for name in ["bad_zlib.png", "twelve_bit.jpg", "bomb_progressive.jpg"] {
            _ = reason(decoding: Fixtures.bytes(name))
        }
        let jpeg = Fixtures.bytes("progressive.jpg")
        _ = reason(decoding: Array(jpeg[..<(jpeg.count / 2)]))
        dup2(saved, STDERR_FILENO)
        close(saved)
        close(file)
        XCTAssertEqual(try String(contentsOfFile: captured, encoding: .utf8), "")
    }

    func testAFailedDecodeLeavesTheImageEmpty() throws {
        var image = try Image(contentsOf: Fixtures.path("rgb8.png"))
        XCTAssertThrowsError(try [UInt8]("junk".utf8).withUnsafeBytes { try image.decode($0, name: "junk") })
        XCTAssertEqual(image, Image())
    }
}
