import XCTest
import Charts
import ImageCodecs

final class CanvasTests: XCTestCase {
    func testThickLineCoversItsWidthAndNothingFar() {
        var canvas = Canvas(width: 40, height: 20)
        canvas.drawLine(from: (5, 10), to: (35, 10), .black, thickness: 4)
        XCTAssertEqual(canvas[20, 8], .black)
        XCTAssertEqual(canvas[20, 11], .black)
        XCTAssertEqual(canvas[20, 5], .white)
        XCTAssertEqual(canvas[20, 14], .white)
        XCTAssertEqual(canvas[1, 10], .white)
    }

    func testImagesAreScaledIntoTheirRectangle() {
        let grey = Image(width: 2, height: 2, channels: 1, pixels: [0, 255, 255, 0])
        var canvas = Canvas(width: 10, height: 10, background: RGB(1, 2, 3))
        canvas.draw(grey, x: 1, y: 1, width: 8, height: 8)
        XCTAssertEqual(canvas[1, 1], .black)
        XCTAssertEqual(canvas[8, 1], .white)
        XCTAssertEqual(canvas[4, 4], .black)
        XCTAssertEqual(canvas[5, 4], .white)
        XCTAssertEqual(canvas[0, 0], RGB(1, 2, 3))
        XCTAssertEqual(canvas[9, 9], RGB(1, 2, 3))
    }

    func testRectanglesBlendAtTheirOpacity() {
        var canvas = Canvas(width: 4, height: 4)
        canvas.fillRectangle(x: 1, y: 1, width: 2, height: 2, .black, opacity: 0.5)
        XCTAssertEqual(canvas[1, 1], RGB(128, 128, 128))
        XCTAssertEqual(canvas[0, 0], .white)
    }
}
