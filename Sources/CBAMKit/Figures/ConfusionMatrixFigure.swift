import Charts
import Foundation

/// `evaluate --confusion-png`: the confusion matrix as a heat map with class names, its
/// cells and text sized for the class count: a 3-class matrix gets large cells, a
/// 100-class one small cells and small text, so both stay readable.
public enum ConfusionMatrixFigure {
    /// The grid's side when the cells' text does not need more.
    static let gridSide = 480
    /// Above this many classes the labels use the smallest font.
    static let smallTextAbove = 30

    public static func write(_ report: ClassificationReport, to path: String) throws {
        try chart(report).render().image.writePNG(to: path)
    }

    static func chart(_ report: ClassificationReport) -> HeatMapChart {
        let classes = report.classNames.count
        var chart = HeatMapChart.confusionMatrix(report.confusion, classNames: report.classNames,
                                                 title: "Confusion matrix: accuracy \(points(report.accuracy))% on \(counted(report.count, "image"))")
        chart.textScale = classes > smallTextAbove ? 1 : 2
        chart.minimumCellSize = min(gridSide / max(classes, 1), 120)
        return chart
    }
}
