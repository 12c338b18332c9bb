import Charts
import Foundation

/// Validation accuracy against epoch for each model: the mean over seeds as a line,
/// ± one standard deviation as a band.
public enum AccuracyFigure {
    public static func write(_ report: ComparisonReport, to path: String) throws {
        var chart = LineChart(series: report.models.map { model in
            let epochs = model.accuracyByEpochMean.indices
            return LineChart.Series(
                name: model.model.title,
                points: epochs.map { (x: Double($0 + 1), y: model.accuracyByEpochMean[$0] * 100) },
                band: epochs.map { (lower: (model.accuracyByEpochMean[$0] - model.accuracyByEpochStd[$0]) * 100,
                                    upper: (model.accuracyByEpochMean[$0] + model.accuracyByEpochStd[$0]) * 100) })
        })
        chart.title = "Validation accuracy, mean ± std over \(report.seeds.count) seed\(report.seeds.count == 1 ? "" : "s")"
        chart.xTitle = "epoch"
        chart.wholeNumberXTicks = true
        chart.yTitle = "accuracy (%)"
        try chart.render().image.writePNG(to: path)
    }
}
