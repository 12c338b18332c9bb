import Charts
import Foundation
import ImageCodecs

/// `train --plot`: a run's loss (top) and accuracy (bottom) by epoch, training and
/// validation, in one PNG.
public enum TrainingCurvesFigure {
    public static func image(_ history: [EpochRecord], title: String) -> Image {
        func series(_ name: String, _ value: (EpochRecord) -> Double?, scale: Double = 1) -> LineChart.Series? {
            let points = history.compactMap { record in value(record).map { (x: Double(record.epoch), y: $0 * scale) } }
            return points.isEmpty ? nil : LineChart.Series(name: name, points: points)
        }
        func chart(_ series: [LineChart.Series?], title: String, yTitle: String) -> Image {
            var chart = LineChart(series: series.compactMap { $0 })
            chart.title = title
            chart.xTitle = "epoch"
            chart.wholeNumberXTicks = true
            chart.yTitle = yTitle
            if history.count == 1 { chart.xRange = Double(history[0].epoch - 1)...Double(history[0].epoch) }
            return chart.render().image
        }
        let loss = chart([series("training", \.trainLoss), series("validation", \.validationLoss)], title: title, yTitle: "loss")
        let accuracy = chart([series("training", \.trainAccuracy, scale: 100), series("validation", \.validationAccuracy, scale: 100)],
                             title: "Accuracy", yTitle: "accuracy (%)")
        var canvas = Canvas(width: max(loss.width, accuracy.width), height: loss.height + accuracy.height)
        canvas.draw(loss, x: 0, y: 0, width: loss.width, height: loss.height)
        canvas.draw(accuracy, x: 0, y: loss.height, width: accuracy.width, height: accuracy.height)
        return canvas.image
    }

    public static func write(_ history: [EpochRecord], title: String, to path: String) throws {
        try image(history, title: title).writePNG(to: path)
    }
}
