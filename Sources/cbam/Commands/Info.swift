import ArgumentParser
import CBAMKit
import Foundation

/// `cbam info MODEL`: what a model file is and what it was trained on.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a model file: network, parameters, input, classes and training.",
        discussion: """
            Everything comes from the file's own metadata: the architecture and attention, \
            the parameter count, the input it expects (C×S×S) and how an image is prepared \
            for it, its classes, and what the file records of its training (data folder, \
            image counts, the epoch kept of those planned, its validation accuracy, the date). \
            Without MODEL, the shipped model.

            Examples:
              cbam info
              cbam info fashion-cbam.safetensors --json
              cbam info resnet50-cbam.safetensors | head -3
            """)

    @Argument(help: ArgumentHelp("The model file (default: the shipped model).", valueName: "model"))
    var file: String?

    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() throws {
        let url = try ModelChoice(file: file).url()
        let (metadata, _) = try ModelFile.read(url)
        let summary = ModelDescription(metadata: metadata, file: url.lastPathComponent)
        if json { try printJSONLine(summary) } else { print(ModelDescriptionText.render(summary)) }
    }
}

/// `cbam info` as text: one labelled line per fact.
enum ModelDescriptionText {
    static func render(_ summary: ModelDescription) -> String {
        let n = summary.network, input = summary.input, t = summary.training
        var network = "\(n.architecture), width \(n.width), depth \(n.depth)"
        if let patch = n.patchSize, let heads = n.heads, let ratio = n.mlpRatio {
            network += ", patch \(patch)×\(patch), \(counted(heads, "head")), MLP ratio \(ratio)"
        }
        network += n.attention == "none" ? ", no attention" : ", \(n.attention.uppercased()) attention"
        if let reduction = n.reduction { network += " (reduction \(reduction))" }
        let colour = input.channels == 1 ? "grey" : input.channels == 3 ? "RGB" : "\(input.channels) channels"
        func numbers(_ values: [Float]) -> String { values.map { String(format: "%.3f", $0) }.joined(separator: ", ") }

        var lines = [summary.file,
                     "  network     \(network)",
                     "  parameters  \(grouped(n.parameters))",
                     "  input       \(input.channels)×\(input.imageSize)×\(input.imageSize) \(colour): \(input.preparation); "
                        + "mean \(numbers(input.mean)), std \(numbers(input.std))",
                     "  classes     \(counted(summary.classes.count, "class")): \(summary.classes.joined(separator: ", "))"]
        guard !t.isEmpty else {
            lines.append("  training    not recorded in the file")
            return lines.joined(separator: "\n")
        }
        var data: [String] = []
        if let folder = t.data { data.append(folder) }
        if let trainingImages = t.trainingImages {
            data.append("\(counted(trainingImages, "training image"))" + (t.validationImages.map { ", \($0) validation" } ?? ""))
        }
        if !data.isEmpty { lines.append("  data        " + data.joined(separator: ": ")) }
        var run: [String] = []
        if let epoch = t.epoch { run.append("epoch \(epoch)" + (t.epochs.map { " of \($0)" } ?? "")) }
        if let accuracy = t.validationAccuracy { run.append("validation accuracy \(percent(accuracy))") }
        if let date = t.date { run.append(date) }
        if let origin = t.initialisedFrom { run.append("fine-tuned from \(origin)") }
        if !run.isEmpty { lines.append("  training    " + run.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        return digits.enumerated().map { ($0 > 0 && (digits.count - $0) % 3 == 0 ? "," : "") + String($1) }.joined()
    }
}
