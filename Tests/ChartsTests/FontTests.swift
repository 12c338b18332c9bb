import XCTest
import Charts

/// Text puts ink inside its measured box, and only there.
final class FontTests: XCTestCase {
    /// The bounding box of every non-white pixel, or nil for a blank canvas.
    static func inkBox(_ canvas: Canvas) -> (x: ClosedRange<Int>, y: ClosedRange<Int>)? {
        var xs: [Int] = [], ys: [Int] = []
        for y in 0..<canvas.height { for x in 0..<canvas.width where canvas[x, y] != .white { xs.append(x); ys.append(y) } }
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return nil }
        return (minX...maxX, minY...maxY)
    }

    func testTextInkStaysInsideItsMeasuredBox() {
        let text = "MIN layer3.0 · Sneaker 92.3% (gjpqy) MAX"
        for scale in [1, 3] {
            let (width, height) = BitmapFont.size(of: text, scale: scale)
            var canvas = Canvas(width: width + 20, height: height + 20)
            canvas.drawText(text, x: 10, y: 10, scale: scale)
            let box = try! XCTUnwrap(Self.inkBox(canvas), "scale \(scale): no ink")
            // M and X fill their cells' width, the descenders reach the last row.
            XCTAssertEqual(box.x, 10...(10 + width - 1), "scale \(scale)")
            XCTAssertEqual(box.y, 10...(10 + height - 1), "scale \(scale)")
        }
    }

    func testUpwardTextIsTheRightwardTextTurned() {
        let text = "Ankle boot"
        let (width, height) = BitmapFont.size(of: text, scale: 2)
        var across = Canvas(width: width, height: height), up = Canvas(width: height, height: width)
        across.drawText(text, x: 0, y: 0, scale: 2)
        up.drawText(text, x: 0, y: 0, scale: 2, direction: .upward)
        for y in 0..<height {
            for x in 0..<width { XCTAssertEqual(across[x, y], up[y, width - 1 - x], "(\(x), \(y))") }
        }
    }

    func testEveryPrintableCharacterHasItsOwnInkedGlyph() {
        var seen: [[UInt8]: Character] = [:]
        for code in 33...126 {
            let character = Character(Unicode.Scalar(UInt8(code)))
            XCTAssertTrue(BitmapFont.hasGlyph(character), "'\(character)' has no glyph")
            let rows = BitmapFont.rows(of: character)
            XCTAssertEqual(rows.count, BitmapFont.textHeight)
            XCTAssertTrue(rows.contains { $0 != 0 }, "'\(character)' draws nothing")
            if let other = seen[rows] { XCTFail("'\(character)' looks exactly like '\(other)'") }
            seen[rows] = character
        }
        XCTAssertTrue(BitmapFont.rows(of: " ").allSatisfy { $0 == 0 })
    }

    func testMissingCharactersShowAsABox() {
        var canvas = Canvas(width: 20, height: 20)
        canvas.drawText("€", x: 2, y: 2)
        XCTAssertNotNil(Self.inkBox(canvas))
    }

    func testTextIsClippedAtTheCanvasEdge() {
        var canvas = Canvas(width: 8, height: 8)
        canvas.drawText("WWWW", x: -3, y: 4, scale: 2)   // would crash if not clipped
        XCTAssertNotNil(Self.inkBox(canvas))
    }
}
