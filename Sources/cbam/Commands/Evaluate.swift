import ArgumentParser
import CBAMKit
import Foundation

/// `cbam evaluate DIR`: how good a model is on a labelled folder.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accuracy, top-k accuracy, per-class precision/recall/F1 and the confusion matrix on a labelled folder.",
        discussion: """
            DIR is an image folder (DIR/<class>/<image>), or a data set root with train/ and \
            test/ (or val/), whose held-out part is then used. Class folders are matched to the \
            model's classes by name; one class folder is enough (how well is this class \
            recognised?), and so is that class's own folder of images, named as the class. Files that cannot be decoded are reported and skipped. --errors lists \
            every image predicted wrongly with the model's top-k guesses, for a second look.

            Examples:
              cbam evaluate Datasets/sample/fashion-mnist
              cbam evaluate pets/test --model pets-cbam.safetensors --errors --confusion-png confusion.png
              cbam evaluate pets/test/cat --model pets-cbam.safetensors --json
            """)

    @Argument(help: ArgumentHelp("The labelled image folder.", valueName: "folder")) var directory: String
    @OptionGroup var modelChoice: ModelChoice
    @OptionGroup var topKOptions: TopKOptions
    @Flag(help: "Print the report as one JSON object.") var json = false
    @Flag(help: "Also list the misclassified images with their top-k predictions.") var errors = false
    @Option(name: .customLong("confusion-png"), help: ArgumentHelp("Also draw the confusion matrix as a PNG heat map (default: none).", valueName: "file"))
    var confusionPNG: String?

    func run() throws {
        let trained = try modelChoice.load()
        let root = DataSplit.evaluationFolder(directory)
        let files = try LabelledFolder.files(at: root, modelClasses: trained.classNames)
        var skipped = 0
        let set = ImageSet.load(files, imageSize: trained.configuration.imageSize, channels: trained.configuration.channels,
                                transform: trained.metadata.transform, cacheBytes: 1 << 30) { error in
            skipped += 1
            StandardError.line("skipped \(error)")
        }
        let report = try ClassificationReport.evaluate(
            trained.network, on: Batches.evaluation(set, preprocessing: trained.preprocessing, batchSize: 256),
            classNames: trained.classNames, topK: topKOptions.topK, listingErrors: errors)
        if let confusionPNG { try ConfusionMatrixFigure.write(report, to: confusionPNG) }
        if json {
            try printJSONLine(report)
        } else {
            print(ReportTable.render(report, model: trained.url.lastPathComponent, folder: root))
            if let misclassified = report.errors { print(ReportTable.errors(misclassified, of: report.count)) }
        }
        if skipped > 0 { StandardError.line("\(counted(skipped, "file")) skipped (named above)") }
    }
}

/// The human-readable evaluation report.
enum ReportTable {
    static func render(_ report: ClassificationReport, model: String, folder: String) -> String {
        var lines = ["\(model) on \(folder): \(counted(report.count, "image"))",
                     "accuracy \(percent(report.accuracy))   top-\(report.topK) \(percent(report.topKAccuracy))   mean loss \(fixed(report.loss, 4))   macro F1 \(fixed(report.macroF1, 4))",
                     ""]
        let nameWidth = max(5, report.classNames.map(\.count).max() ?? 0)
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let space = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + space : space + text
        }
        lines.append(pad("class", nameWidth, left: true) + "  precision  recall      F1  support")
        for scores in report.perClass {
            lines.append(pad(scores.name, nameWidth, left: true) + pad(fixed(scores.precision, 4), 11)
                         + pad(fixed(scores.recall, 4), 8) + pad(fixed(scores.f1, 4), 8) + pad(String(scores.support), 9))
        }
        lines.append("")
        lines.append("confusion matrix (rows: true class, columns: predicted; column numbers are the row numbers)")
        let cellWidth = max(4, String(report.confusion.joined().max() ?? 0).count + 1)
        lines.append(pad("", nameWidth + 4, left: true) + report.classNames.indices.map { pad(String($0), cellWidth) }.joined())
        for (i, row) in report.confusion.enumerated() {
            lines.append(pad(String(i), 2) + "  " + pad(report.classNames[i], nameWidth, left: true)
                         + row.map { pad(String($0), cellWidth) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// "misclassified: 2 of 30 images", then per image "FILE  TRUE → PREDICTED 71.2%  (top-k)".
    static func errors(_ errors: [Misclassification], of count: Int) -> String {
        let lines = errors.map { error -> String in
            let top = error.predictions[0]
            let guesses = error.predictions.map { "\($0.label) \(percent($0.probability, digits: 1))" }.joined(separator: ", ")
            return "  \(error.file)  \(error.label) → \(top.label) \(percent(top.probability, digits: 1))  (\(guesses))"
        }
        return (["", "misclassified: \(errors.count) of \(counted(count, "image"))"] + lines).joined(separator: "\n")
    }
}
