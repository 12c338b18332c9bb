import Foundation

/// Named series of (x, y) points as lines, each with an optional shaded band (say mean
/// ± standard deviation), on axes with round ticks, a grid and a legend.
public struct LineChart {
    public struct Series {
        public var name: String
        /// Points in any order; they are joined in order of x.
        public var points: [(x: Double, y: Double)]
        /// The band's lower and upper edge at each point, or nil for no band.
        public var band: [(lower: Double, upper: Double)]?
        /// The line's colour; the next of `RGB.categorical` by default.
        public var colour: RGB?

        public init(name: String, points: [(x: Double, y: Double)], band: [(lower: Double, upper: Double)]? = nil,
                    colour: RGB? = nil) {
            precondition(band == nil || band!.count == points.count, "one band interval per point")
            self.name = name
            self.points = points
            self.band = band
            self.colour = colour
        }

        /// Points (and their band) sorted by x.
        var sorted: [(x: Double, y: Double, band: (lower: Double, upper: Double)?)] {
            points.indices.map { (points[$0].x, points[$0].y, band?[$0]) }.sorted { $0.x < $1.x }
        }
    }

    public var series: [Series]
    public var title: String?
    public var xTitle: String?
    /// Ticks on whole numbers only along x (epochs).
    public var wholeNumberXTicks = false
    public var yTitle: String?
    /// Axis extents; by default round ticks around all points and bands.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var width = 800
    public var height = 480
    public var textScale = 2
    public var lineThickness = 2.0
    /// How opaque a band is over the background.
    public var bandOpacity = 0.2

    public init(series: [Series]) {
        self.series = series
    }

    func colour(of index: Int) -> RGB { series[index].colour ?? RGB.categorical[index % RGB.categorical.count] }

    var xTicks: AxisTicks {
        if let xRange { return AxisTicks(fixed: xRange.lowerBound, xRange.upperBound) }
        let xs = series.flatMap { $0.points.map(\.x) }
        return AxisTicks(covering: xs.min() ?? 0, xs.max() ?? 1, wholeNumbers: wholeNumberXTicks)
    }

    var yTicks: AxisTicks {
        if let yRange { return AxisTicks(fixed: yRange.lowerBound, yRange.upperBound, approximateCount: 6) }
        let ys = series.flatMap { s in s.points.map(\.y) + (s.band ?? []).flatMap { [$0.lower, $0.upper] } }
        return AxisTicks(covering: ys.min() ?? 0, ys.max() ?? 1)
    }

    /// The plot area inside the axes, in canvas pixels.
    public struct PlotArea {
        public let x, y, width, height: Int
        let xTicks, yTicks: AxisTicks

        /// Canvas position of a data point (continuous coordinates).
        public func position(x value: Double, y other: Double) -> (x: Double, y: Double) {
            let fx = (value - xTicks.lower) / (xTicks.upper - xTicks.lower)
            let fy = (other - yTicks.lower) / (yTicks.upper - yTicks.lower)
            return (Double(x) + fx * Double(width), Double(y) + (1 - fy) * Double(height))
        }
    }

    private var legendWidth: Int {
        let s = textScale
        let names = series.map { BitmapFont.width(of: $0.name, scale: s) }.max() ?? 0
        return series.isEmpty ? 0 : 6 * s + 12 * s + 3 * s + names
    }

    public func plotArea() -> PlotArea {
        let s = textScale, margin = 6 * s, gap = 3 * s, lineHeight = BitmapFont.textHeight * s
        let (xTicks, yTicks) = (self.xTicks, self.yTicks)
        let yLabelWidth = yTicks.values.map { BitmapFont.width(of: yTicks.label($0), scale: s) }.max() ?? 0
        let left = margin + (yTitle != nil ? lineHeight + gap : 0) + yLabelWidth + gap + 2 * s
        let top = margin + (title != nil ? lineHeight + 2 * gap : 0) + lineHeight / 2
        let bottom = height - margin - (xTitle != nil ? lineHeight + gap : 0) - lineHeight - gap - 2 * s
        let right = width - margin - legendWidth - margin
        precondition(right - left > 10 && bottom - top > 10, "the chart is too small for its labels")
        return PlotArea(x: left, y: top, width: right - left, height: bottom - top, xTicks: xTicks, yTicks: yTicks)
    }

    public func render() -> Canvas {
        let s = textScale, gap = 3 * s, lineHeight = BitmapFont.textHeight * s
        let area = plotArea()
        var canvas = Canvas(width: width, height: height)

        if let title { canvas.drawText(title, x: area.x, y: 6 * s, scale: s) }
        // Grid and tick labels.
        for value in area.yTicks.values {
            let y = Int(area.position(x: area.xTicks.lower, y: value).y.rounded(.down))
            canvas.fillRectangle(x: area.x, y: y, width: area.width, height: 1, .lightGrey)
            canvas.fillRectangle(x: area.x - 2 * s, y: y, width: 2 * s, height: 1, .black)
            let label = area.yTicks.label(value)
            canvas.drawText(label, x: area.x - 2 * s - gap - BitmapFont.width(of: label, scale: s),
                            y: y - BitmapFont.ascent * s / 2, scale: s)
        }
        for value in area.xTicks.values {
            let x = Int(area.position(x: value, y: area.yTicks.lower).x.rounded(.down))
            canvas.fillRectangle(x: x, y: area.y, width: 1, height: area.height, .lightGrey)
            canvas.fillRectangle(x: x, y: area.y + area.height, width: 1, height: 2 * s, .black)
            canvas.drawText(area.xTicks.label(value), centredOn: x, y: area.y + area.height + 2 * s + gap, scale: s)
        }
        if let xTitle {
            canvas.drawText(xTitle, centredOn: area.x + area.width / 2, y: area.y + area.height + 2 * s + 2 * gap + lineHeight, scale: s)
        }
        if let yTitle {
            let length = BitmapFont.width(of: yTitle, scale: s)
            canvas.drawText(yTitle, x: 6 * s, y: area.y + (area.height - length) / 2, scale: s, direction: .upward)
        }

        for index in series.indices { drawBand(index, in: area, on: &canvas) }
        for index in series.indices {
            let points = series[index].sorted.map { area.position(x: $0.x, y: $0.y) }
            canvas.drawPolyline(points, colour(of: index), thickness: lineThickness)
        }
        // Axes last, over the bands.
        canvas.fillRectangle(x: area.x - 1, y: area.y, width: 1, height: area.height + 1, .black)
        canvas.fillRectangle(x: area.x - 1, y: area.y + area.height, width: area.width + 1, height: 1, .black)
        drawLegend(at: area.x + area.width + 6 * s, y: area.y, on: &canvas)
        return canvas
    }

    /// Shades, pixel column by pixel column, between the band's edges interpolated in x,
    /// so that no pixel is shaded twice by one band.
    private func drawBand(_ index: Int, in area: PlotArea, on canvas: inout Canvas) {
        let points = series[index].sorted
        guard points.count >= 2, points.allSatisfy({ $0.band != nil }) else { return }
        let first = area.position(x: points.first!.x, y: 0).x, last = area.position(x: points.last!.x, y: 0).x
        var segment = 0
        for column in Int(first.rounded(.down))...Int(last.rounded(.up)) {
            let centre = Double(column) + 0.5
            guard centre >= first, centre <= last else { continue }
            while segment < points.count - 2 && area.position(x: points[segment + 1].x, y: 0).x < centre { segment += 1 }
            let (a, b) = (points[segment], points[segment + 1])
            let (ax, bx) = (area.position(x: a.x, y: 0).x, area.position(x: b.x, y: 0).x)
            let t = bx > ax ? (centre - ax) / (bx - ax) : 0
            let lower = a.band!.lower + t * (b.band!.lower - a.band!.lower)
            let upper = a.band!.upper + t * (b.band!.upper - a.band!.upper)
            let top = area.position(x: a.x, y: max(lower, upper)).y, bottom = area.position(x: a.x, y: min(lower, upper)).y
            let rowTop = Int(top.rounded()), rowBottom = Int(bottom.rounded())
            canvas.fillRectangle(x: column, y: rowTop, width: 1, height: max(rowBottom - rowTop, 1), colour(of: index),
                                 opacity: bandOpacity)
        }
    }

    private func drawLegend(at x: Int, y: Int, on canvas: inout Canvas) {
        let s = textScale, lineHeight = BitmapFont.lineHeight * s
        for (index, item) in series.enumerated() {
            let top = y + index * (lineHeight + s)
            let middle = Double(top) + Double(BitmapFont.ascent * s) / 2
            if item.band != nil {
                canvas.fillRectangle(x: x, y: top, width: 12 * s, height: BitmapFont.ascent * s, colour(of: index), opacity: bandOpacity)
            }
            canvas.drawLine(from: (Double(x), middle), to: (Double(x + 12 * s), middle), colour(of: index), thickness: lineThickness)
            canvas.drawText(item.name, x: x + 15 * s, y: top, scale: s)
        }
    }
}
