import Foundation

/// A grid of values as coloured cells, with row and column labels, optional text in
/// each cell and a colour scale: a confusion matrix, or any labelled matrix.
public struct HeatMapChart {
    /// values[row][column].
    public var values: [[Double]]
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var title: String?
    /// Titles of the row axis (left, reading upward) and of the column axis (below).
    public var rowTitle: String?
    public var columnTitle: String?
    public var colourMap: ColourMap = .viridis
    /// The values at the two ends of the colour map; the data's own extent by default.
    public var range: ClosedRange<Double>?
    /// The text written in a cell, or nil for none; the value with up to 2 decimals by default.
    public var cellText: ((_ row: Int, _ column: Int, _ value: Double) -> String?)? = { _, _, value in
        HeatMapChart.shortNumber(value)
    }
    /// The font's pixel scale for every label.
    public var textScale = 2
    /// A cell's side in pixels; by default wide enough for its text, at least
    /// `minimumCellSize`, and large enough that the axis titles fit beside the grid.
    public var cellSize: Int?
    public var minimumCellSize = 0

    public init(values: [[Double]], rowLabels: [String], columnLabels: [String]) {
        precondition(values.count == rowLabels.count, "\(values.count) rows, \(rowLabels.count) row labels")
        precondition(values.allSatisfy { $0.count == columnLabels.count }, "every row needs \(columnLabels.count) values")
        precondition(!values.isEmpty && !columnLabels.isEmpty, "a heat map needs at least one cell")
        self.values = values
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
    }

    /// A confusion matrix: counts[true class][predicted class], coloured by count.
    public static func confusionMatrix(_ counts: [[Int]], classNames: [String], title: String? = "Confusion matrix") -> HeatMapChart {
        var chart = HeatMapChart(values: counts.map { $0.map(Double.init) }, rowLabels: classNames, columnLabels: classNames)
        chart.title = title
        chart.rowTitle = "true class"
        chart.columnTitle = "predicted class"
        chart.range = 0...Double(max(counts.joined().max() ?? 1, 1))
        return chart
    }

    /// Where everything goes; `render()` draws it, tests read cell positions from it.
    public struct Layout {
        public let width, height: Int
        public let gridX, gridY, cellSize: Int
        /// Column labels turned upward because they are wider than a cell.
        public let uprightColumnLabels: Bool
        let scaleX: Int
        let titleY, columnLabelY, columnTitleY: Int

        /// The top-left pixel of a cell.
        public func cellOrigin(row: Int, column: Int) -> (x: Int, y: Int) {
            (gridX + column * cellSize, gridY + row * cellSize)
        }
    }

    public var valueRange: ClosedRange<Double> {
        if let range { return range }
        let all = values.joined().filter(\.isFinite)
        let (low, high) = (all.min() ?? 0, all.max() ?? 1)
        return low < high ? low...high : low...(low + 1)
    }

    public var colourScale: ColourScale { ColourScale(colourMap: colourMap, range: valueRange, textScale: textScale) }

    public func colour(of value: Double) -> RGB {
        let range = valueRange
        return colourMap.colour(at: (value - range.lowerBound) / (range.upperBound - range.lowerBound))
    }

    public func layout() -> Layout {
        let s = textScale, margin = 6 * s, gap = 3 * s, lineHeight = BitmapFont.textHeight * s
        let texts = values.indices.flatMap { r in values[r].indices.compactMap { cellText?(r, $0, values[r][$0]) } }
        let widestText = texts.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0
        // A grid shorter than an axis title would push the title off the canvas.
        func fitting(_ title: String?, cells: Int) -> Int {
            title.map { (BitmapFont.width(of: $0, scale: s) + 2 * gap + cells - 1) / cells } ?? 0
        }
        let cell = cellSize ?? max(widestText + 4 * s, lineHeight + 4 * s, minimumCellSize,
                                   fitting(rowTitle, cells: values.count), fitting(columnTitle, cells: columnLabels.count))
        let widestColumnLabel = columnLabels.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0
        let upright = widestColumnLabel > cell - 2 * s
        let widestRowLabel = rowLabels.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0

        var y = margin
        let titleY = y
        if title != nil { y += lineHeight + 2 * gap }
        let gridY = y
        let gridX = margin + (rowTitle != nil ? lineHeight + gap : 0) + widestRowLabel + gap
        let gridBottom = gridY + values.count * cell
        let columnLabelY = gridBottom + gap
        let columnTitleY = columnLabelY + (upright ? widestColumnLabel : lineHeight) + gap
        let bottom = columnTitleY + (columnTitle != nil ? lineHeight : 0) + margin
        let scaleX = gridX + columnLabels.count * cell + 4 * gap
        // The scale's top and bottom labels stand half a line beyond the bar.
        let right = scaleX + colourScale.width + margin
        let titleWidth = gridX + BitmapFont.width(of: title ?? "", scale: s) + margin   // drawn from the grid's left edge
        return Layout(width: max(right, titleWidth), height: bottom + lineHeight / 2, gridX: gridX, gridY: gridY,
                      cellSize: cell, uprightColumnLabels: upright, scaleX: scaleX, titleY: titleY,
                      columnLabelY: columnLabelY, columnTitleY: columnTitleY)
    }

    public func render() -> Canvas {
        let layout = layout(), s = textScale
        var canvas = Canvas(width: layout.width, height: layout.height)
        let (cell, gridX, gridY) = (layout.cellSize, layout.gridX, layout.gridY)
        let gridWidth = columnLabels.count * cell, gridHeight = rowLabels.count * cell

        if let title { canvas.drawText(title, x: gridX, y: layout.titleY, scale: s) }
        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let (x, y) = layout.cellOrigin(row: r, column: c)
                let colour = colour(of: value)
                canvas.fillRectangle(x: x, y: y, width: cell, height: cell, colour)
                if let text = cellText?(r, c, value) {
                    let (w, _) = BitmapFont.size(of: text, scale: s)
                    canvas.drawText(text, x: x + (cell - w) / 2, y: y + (cell - BitmapFont.ascent * s) / 2,
                                    colour.contrastingText, scale: s)
                }
            }
        }
        canvas.strokeRectangle(x: gridX - 1, y: gridY - 1, width: gridWidth + 2, height: gridHeight + 2, .black)

        for (r, label) in rowLabels.enumerated() {
            let width = BitmapFont.width(of: label, scale: s)
            canvas.drawText(label, x: gridX - 3 * s - width, y: gridY + r * cell + (cell - BitmapFont.ascent * s) / 2, scale: s)
        }
        for (c, label) in columnLabels.enumerated() {
            let centre = gridX + c * cell + cell / 2
            if layout.uprightColumnLabels {
                // Read upward, ending just under the grid.
                canvas.drawText(label, x: centre - BitmapFont.ascent * s / 2, y: layout.columnLabelY, scale: s, direction: .upward)
            } else {
                canvas.drawText(label, centredOn: centre, y: layout.columnLabelY, scale: s)
            }
        }
        if let columnTitle { canvas.drawText(columnTitle, centredOn: gridX + gridWidth / 2, y: layout.columnTitleY, scale: s) }
        if let rowTitle {
            let length = BitmapFont.width(of: rowTitle, scale: s)
            canvas.drawText(rowTitle, x: 6 * s, y: gridY + (gridHeight - length) / 2, scale: s, direction: .upward)
        }
        colourScale.draw(on: &canvas, x: layout.scaleX, y: gridY, height: gridHeight)
        return canvas
    }

    /// A short cell label: whole numbers as they are, others with 0 to 2 decimals by size.
    static func shortNumber(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
        return String(format: abs(value) >= 100 ? "%.0f" : (abs(value) >= 10 ? "%.1f" : "%.2f"), value)
    }
}
