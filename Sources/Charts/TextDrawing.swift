/// Which way a line of text runs.
public enum TextDirection: Sendable {
    /// Left to right, as read.
    case rightward
    /// Bottom to top (turned a quarter anticlockwise), for vertical axis titles and
    /// column labels too long to fit across a column.
    case upward
}

extension Canvas {
    /// Draws one line of `text` in the built-in `BitmapFont`, its box's top-left corner at
    /// (x, y). The box is `BitmapFont.size(of:scale:)`, turned for `.upward` (its width
    /// then runs up from y + width − 1 to y); nothing is drawn outside it.
    public mutating func drawText(_ text: String, x: Int, y: Int, _ colour: RGB = .black, scale: Int = 1,
                                  direction: TextDirection = .rightward) {
        precondition(scale >= 1, "text scale must be at least 1")
        let length = BitmapFont.width(of: text, scale: scale)
        for (index, character) in text.enumerated() {
            let rows = BitmapFont.rows(of: character)
            for (row, bits) in rows.enumerated() where bits != 0 {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    // Position along the text and across it, in pixels of the horizontal layout.
                    let along = (index * BitmapFont.advance + column) * scale
                    let across = row * scale
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            switch direction {
                            case .rightward: self[x + along + dx, y + across + dy] = colour
                            case .upward: self[x + across + dy, y + length - 1 - along - dx] = colour
                            }
                        }
                    }
                }
            }
        }
    }

    /// Draws `text` centred horizontally on `centreX`, its top at y.
    public mutating func drawText(_ text: String, centredOn centreX: Int, y: Int, _ colour: RGB = .black, scale: Int = 1) {
        drawText(text, x: centreX - BitmapFont.width(of: text, scale: scale) / 2, y: y, colour, scale: scale)
    }
}
