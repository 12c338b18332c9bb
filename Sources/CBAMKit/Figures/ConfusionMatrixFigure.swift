import Charts
import Foundation

/// `evaluate --confusion-png`: the confusion matrix as a heat map with class names.
public enum ConfusionMatrixFigure {
    public static func write(_ report: ClassificationReport, to path: String) throws {
        var chart = HeatMapChart.confusionMatrix(report.confusion, classNames: report.classNames,
                                                 title: "Confusion matrix: accuracy \(points(report.accuracy))% on \(report.count) images")
        chart.rowTitle = "true class"
        chart.columnTitle = "predicted class"
        try chart.render().image.writePNG(to: path)
    }
}
