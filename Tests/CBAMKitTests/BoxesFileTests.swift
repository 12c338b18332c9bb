import XCTest
import Foundation
import CBAMKit

/// boxes.csv: what is written reads back, and every malformed file is one error naming
/// the file, the line and the reason.
final class BoxesFileTests: XCTestCase {
    private static let rows = [
        BoxedImage(file: "Bag/00012.png", className: "Bag", box: PixelBox(x: 14, y: 3, width: 28, height: 28),
                   tightBox: PixelBox(x: 18, y: 5, width: 20, height: 24)),
        BoxedImage(file: "Sandal/00013.png", className: "Sandal", box: PixelBox(x: 0, y: 28, width: 28, height: 28),
                   tightBox: PixelBox(x: 0, y: 28, width: 0, height: 0)),
    ]

    func testWrittenRowsReadBack() throws {
        let text = BoxesFile.text(Self.rows)
        XCTAssertEqual(text, """
            file,class,x,y,width,height,tight_x,tight_y,tight_width,tight_height
            Bag/00012.png,Bag,14,3,28,28,18,5,20,24
            Sandal/00013.png,Sandal,0,28,28,28,0,28,0,0

            """)
        XCTAssertEqual(try BoxesFile.parse(text, path: "boxes.csv"), Self.rows)
        // Windows line ends and blank lines are read too.
        let crlf = text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\n"
        XCTAssertEqual(try BoxesFile.parse(crlf, path: "boxes.csv"), Self.rows)
    }

    private func error(_ text: String) -> String {
        do { _ = try BoxesFile.parse(text, path: "split/boxes.csv"); return "accepted" } catch { return "\(error)" }
    }

    func testMalformedFilesNameTheLineAndTheReason() {
        let header = BoxesFile.header
        XCTAssertEqual(error(""), "split/boxes.csv: line 1: expected the header \(header)")
        XCTAssertEqual(error("file,class\nBag/1.png,Bag"), "split/boxes.csv: line 1: expected the header \(header)")
        XCTAssertEqual(error(header + "\n"), "split/boxes.csv: lists no images")
        XCTAssertEqual(error(header + "\nBag/1.png,Bag,1,2,3,4,5,6,7,8\nBag/2.png,Bag,1,2,3"),
                       "split/boxes.csv: line 3: 5 fields, expected 10 (\(header))")
        XCTAssertEqual(error(header + "\nBag/1.png"), "split/boxes.csv: line 2: 1 field, expected 10 (\(header))")
        XCTAssertEqual(error(header + "\nBag/1.png,Bag,1,2,3,4,5,6,abc,8"),
                       "split/boxes.csv: line 2: tight_width 'abc' is not a whole number")
        XCTAssertEqual(error(header + "\nBag/1.png,Bag,1,-2,3,4,5,6,7,8"), "split/boxes.csv: line 2: y -2 is negative")
        XCTAssertEqual(error(header + "\n,Bag,1,2,3,4,5,6,7,8"), "split/boxes.csv: line 2: the file is empty")
        XCTAssertEqual(error(header + "\nBag/1.png,,1,2,3,4,5,6,7,8"), "split/boxes.csv: line 2: the class is empty")
        XCTAssertEqual(error(header + "\nBag/1.png,Bag,1,2,3,4,5,6,7,8\n\nBag/1.png,Bag,1,2,3,4,5,6,7,8"),
                       "split/boxes.csv: line 4: Bag/1.png is listed already on line 2")
    }

    func testAMissingFileOrImageIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-boxes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Bag"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("boxes.csv").path
        XCTAssertThrowsError(try BoxesFile.read(csv, folder: folder.path)) {
            XCTAssertEqual("\($0)", "\(csv): no such file")
        }
        try BoxesFile.write(Self.rows, to: csv)
        XCTAssertTrue(FileManager.default.createFile(atPath: folder.appendingPathComponent("Bag/00012.png").path, contents: Data()))
        XCTAssertThrowsError(try BoxesFile.read(csv, folder: folder.path)) {
            XCTAssertEqual("\($0)", "\(csv): line 3: \(folder.path)/Sandal/00013.png does not exist")
        }
        try BoxesFile.write([Self.rows[0]], to: csv)
        XCTAssertEqual(try BoxesFile.read(csv, folder: folder.path), [Self.rows[0]])
    }
}
