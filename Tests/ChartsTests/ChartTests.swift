import XCTest
import Charts
import ImageCodecs

/// Every chart renders to a PNG that ImageCodecs decodes back at its size.
final class ChartTests: XCTestCase {
    static func assertDecodes(_ canvas: Canvas, file: StaticString = #filePath, line: UInt = #line) throws {
        let png = try canvas.image.pngData()
        let decoded = try Image.decode(png, name: "chart")
        XCTAssertEqual(decoded.width, canvas.width, file: file, line: line)
        XCTAssertEqual(decoded.height, canvas.height, file: file, line: line)
        XCTAssertEqual(decoded.pixels, canvas.pixels, file: file, line: line)
    }

    static let classes = ["T-shirt/top", "Trouser", "Pullover", "Dress"]
    static let counts = [[50, 2, 7, 1], [0, 60, 0, 3], [9, 1, 41, 4], [2, 5, 0, 55]]

    func testConfusionMatrixRendersAndDecodes() throws {
        let chart = HeatMapChart.confusionMatrix(Self.counts, classNames: Self.classes)
        let canvas = chart.render()
        try Self.assertDecodes(canvas)
        XCTAssertTrue(chart.layout().uprightColumnLabels, "long class names turn upward")
        XCTAssertGreaterThan(canvas.width, chart.layout().gridX + 4 * chart.layout().cellSize)
    }

    /// Issue 13: a 3-class matrix clipped its "true class" title, drawn upward beside a grid
    /// shorter than the title; the grid now grows until both axis titles fit.
    func testAxisTitlesFitBesideASmallGrid() throws {
        let chart = HeatMapChart.confusionMatrix([[5, 1, 0], [0, 6, 1], [2, 0, 4]], classNames: ["a", "b", "c"])
        let layout = chart.layout()
        XCTAssertGreaterThanOrEqual(3 * layout.cellSize, BitmapFont.width(of: "true class", scale: chart.textScale))
        XCTAssertGreaterThanOrEqual(3 * layout.cellSize, BitmapFont.width(of: "predicted class", scale: chart.textScale))
        var larger = chart
        larger.minimumCellSize = 150
        XCTAssertEqual(larger.layout().cellSize, 150)
        try Self.assertDecodes(chart.render())
    }

    /// Cells away from their text: brighter (viridis) for larger values.
    func testHeatMapCellColoursAreOrderedByValue() {
        let chart = HeatMapChart.confusionMatrix(Self.counts, classNames: Self.classes)
        let canvas = chart.render(), layout = chart.layout()
        var cells: [(value: Int, luma: Double)] = []
        for r in 0..<4 {
            for c in 0..<4 {
                let (x, y) = layout.cellOrigin(row: r, column: c)
                XCTAssertEqual(canvas[x + 1, y + 1], chart.colour(of: Double(Self.counts[r][c])))
                cells.append((Self.counts[r][c], canvas[x + 1, y + 1].luma))
            }
        }
        for a in cells {
            for b in cells where a.value < b.value { XCTAssertLessThan(a.luma, b.luma, "\(a.value) vs \(b.value)") }
        }
    }

    func testHeatMapWithoutTitlesOrTextRenders() throws {
        var chart = HeatMapChart(values: [[0.1, 0.5], [0.9, -0.2]], rowLabels: ["a", "b"], columnLabels: ["x", "y"])
        chart.cellText = nil
        chart.colourMap = .magma
        chart.textScale = 1
        try Self.assertDecodes(chart.render())
        XCTAssertFalse(chart.layout().uprightColumnLabels)
    }

    func testLineChartWithBandsRendersAndDecodes() throws {
        func series(_ name: String, _ offset: Double) -> LineChart.Series {
            let epochs = (1...10).map(Double.init)
            return LineChart.Series(name: name, points: epochs.map { ($0, offset + 0.3 * log($0)) },
                                    band: epochs.map { (offset + 0.3 * log($0) - 0.02, offset + 0.3 * log($0) + 0.02) })
        }
        var chart = LineChart(series: [series("plain", 0.2), series("se", 0.25), series("cbam", 0.3)])
        chart.title = "Validation accuracy"
        chart.xTitle = "epoch"
        chart.yTitle = "accuracy"
        let canvas = chart.render()
        try Self.assertDecodes(canvas)
        XCTAssertEqual(canvas.width, chart.width)
        XCTAssertEqual(canvas.height, chart.height)
        // The first series' line passes through its last point, drawn in its colour.
        let area = chart.plotArea()
        let end = area.position(x: 10, y: 0.3 + 0.3 * log(10))
        XCTAssertEqual(canvas[Int(end.x) - 1, Int(end.y)], RGB.categorical[2])
    }

    func testLineChartWithOnePointAndNoBandRenders() throws {
        let chart = LineChart(series: [LineChart.Series(name: "only", points: [(1, 0.5)])])
        try Self.assertDecodes(chart.render())
    }

    func testAxisTicksAreRoundAndCoverTheData() {
        let ticks = AxisTicks(covering: 0.137, 0.912)
        XCTAssertLessThanOrEqual(ticks.lower, 0.137)
        XCTAssertGreaterThanOrEqual(ticks.upper, 0.912)
        XCTAssertEqual(ticks.step, 0.2, accuracy: 1e-12)
        XCTAssertEqual(ticks.values.map(ticks.label), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(AxisTicks(covering: 3, 3).values.count, 5, "an empty span is widened")
    }
}

/// With CBAM_CHART_DIR set, writes sample figures there to look at (run by hand).
final class ChartSamples: XCTestCase {
    func testWriteSamples() throws {
        guard let folder = ProcessInfo.processInfo.environment["CBAM_CHART_DIR"] else { throw XCTSkip("CBAM_CHART_DIR not set") }
        let names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        var generator = SystemRandomNumberGenerator()
        let counts = (0..<10).map { r in (0..<10).map { c in r == c ? Int.random(in: 800...990, using: &generator) : Int.random(in: 0...40, using: &generator) } }
        try HeatMapChart.confusionMatrix(counts, classNames: names).render().image.writePNG(to: folder + "/confusion.png")
        func series(_ name: String, _ offset: Double) -> LineChart.Series {
            let epochs = (1...30).map(Double.init)
            return LineChart.Series(name: name, points: epochs.map { ($0, offset + 0.08 * log($0)) },
                                    band: epochs.map { (offset + 0.08 * log($0) - 0.01, offset + 0.08 * log($0) + 0.012) })
        }
        var chart = LineChart(series: [series("plain", 0.6), series("se", 0.62), series("cbam", 0.64), series("vit", 0.55)])
        chart.title = "Validation accuracy vs epoch"
        chart.xTitle = "epoch"
        chart.yTitle = "accuracy"
        try chart.render().image.writePNG(to: folder + "/lines.png")
        var font = Canvas(width: 620, height: 120)
        font.drawText(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ", x: 4, y: 4, scale: 2)
        font.drawText("[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ·×±°–µ€", x: 4, y: 30, scale: 2)
        font.drawText("layer3.0 · Sneaker 92.3%", x: 4, y: 60, scale: 3)
        font.drawText("small text at scale 1: Grad-CAM, layer2.0 · Bag 41.0%", x: 4, y: 100)
        try font.image.writePNG(to: folder + "/font.png")
    }
}
