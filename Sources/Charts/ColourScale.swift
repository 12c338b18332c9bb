/// A vertical colour bar with tick labels to its right: the key to a heat map.
public struct ColourScale: Sendable {
    public var colourMap: ColourMap
    public var range: ClosedRange<Double>
    public var textScale: Int

    public init(colourMap: ColourMap, range: ClosedRange<Double>, textScale: Int = 1) {
        self.colourMap = colourMap
        self.range = range
        self.textScale = textScale
    }

    public var barWidth: Int { 8 * textScale }
    private var ticks: AxisTicks { AxisTicks(fixed: range.lowerBound, range.upperBound, approximateCount: 6) }
    private var labelGap: Int { 3 * textScale }

    /// Width taken by the bar, its tick marks and its labels.
    public var width: Int {
        barWidth + labelGap + (ticks.values.map { BitmapFont.width(of: ticks.label($0), scale: textScale) }.max() ?? 0)
    }

    /// Draws the bar (high values at the top) with its top-left corner at (x, y).
    public func draw(on canvas: inout Canvas, x: Int, y: Int, height: Int) {
        guard height > 1 else { return }
        for row in 0..<height {
            let value = 1 - Double(row) / Double(height - 1)
            canvas.fillRectangle(x: x, y: y + row, width: barWidth, height: 1, colourMap.colour(at: value))
        }
        canvas.strokeRectangle(x: x, y: y, width: barWidth, height: height, .black)
        let span = range.upperBound - range.lowerBound
        for value in ticks.values {
            let fraction = span > 0 ? (value - range.lowerBound) / span : 0
            let row = y + Int(((1 - fraction) * Double(height - 1)).rounded())
            canvas.fillRectangle(x: x + barWidth, y: row, width: labelGap - textScale, height: 1, .black)
            // The label's capital height centred on its tick.
            canvas.drawText(ticks.label(value), x: x + barWidth + labelGap, y: row - BitmapFont.ascent * textScale / 2,
                            scale: textScale)
        }
    }
}
