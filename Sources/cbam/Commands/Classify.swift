import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs

/// `cbam classify FILE|DIR|-...`: top-k labels with probabilities.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Name what is in each image: the top-k classes with their probabilities.",
        discussion: """
            Images are prepared as in training (converted to the model's channels, resized to \
            its input size, normalised with its stored mean and std). Folders are searched \
            recursively. - reads standard input: either image paths, one a line, or the bytes \
            of one PNG or JPEG image. A file that cannot be read is reported on stderr and the \
            others are still classified; the exit status is then 1. A folder without files is \
            an error. An image far from what the model was trained on (a colour photo given to \
            a grey model, or one many times its input size) is warned about once, on stderr. \
            --csv prints file,label,probability,top_k (top_k: label:probability pairs joined \
            by ;); --json one object per image with the model's file name.

            Examples:
              cbam classify Datasets/sample/sneaker.jpg
              cbam classify photos/ --model pets-cbam.safetensors --top-k 3 --csv > predictions.csv
              ls *.jpg | cbam classify - --json
            """)

    @Argument(help: ArgumentHelp("Images (PNG or JPEG), folders of images, or - for standard input.", valueName: "image"))
    var inputs: [String]
    @OptionGroup var modelChoice: ModelChoice
    @OptionGroup var topKOptions: TopKOptions
    @Flag var format: OutputFormat = .text

    /// Images per forward pass: the network is much faster per image on a batch than one by one.
    static let batchSize = 64

    func run() throws {
        let trained = try modelChoice.load()
        let modelName = trained.url.lastPathComponent
        let inputs = try ImageInputs.expand(inputs)
        let topK = min(topKOptions.topK, trained.classNames.count)
        if format == .csv { print(csvRow(["file", "label", "probability", "top_k"])) }
        var failures = 0, warned = false
        for start in stride(from: 0, to: inputs.count, by: Self.batchSize) {
            var names: [String] = [], images: [Image] = []
            for input in inputs[start..<min(start + Self.batchSize, inputs.count)] {
                do {
                    let image = try input.image()
                    if !warned, let mismatch = InputMismatch(image, model: trained.metadata) {
                        StandardError.warning(mismatch.message(file: input.name, modelName: modelName, model: trained.metadata))
                        warned = true
                    }
                    images.append(image)
                    names.append(input.name)
                } catch {
                    failures += 1
                    StandardError.error(error)
                }
            }
            for (file, probabilities) in zip(names, trained.probabilities(images)) {
                let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(topK)
                let predictions = ranked.map { ClassProbability(label: trained.classNames[$0], probability: Double(probabilities[$0])) }
                print(try Self.render(Result(file: file, model: modelName, predictions: predictions), as: format))
            }
        }
        if failures > 0 {
            StandardError.line("\(failures) of \(counted(inputs.count, "file")) could not be read")
            throw ExitCode.failure
        }
    }

    struct Result: Encodable { var file: String; var model: String; var predictions: [ClassProbability] }

    /// One image's result in `format`: text lines, a JSON line or a CSV row.
    static func render(_ result: Result, as format: OutputFormat) throws -> String {
        switch format {
        case .json:
            return try jsonLine(result)
        case .csv:
            let top = result.predictions[0]
            return csvRow([result.file, top.label, String(format: "%.6f", top.probability),
                           result.predictions.map { "\($0.label):\(String(format: "%.6f", $0.probability))" }.joined(separator: ";")])
        case .text:
            return ([result.file] + result.predictions.map { rightAligned(percent($0.probability), width: 9) + "  " + $0.label })
                .joined(separator: "\n")
        }
    }
}
