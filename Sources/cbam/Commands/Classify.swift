import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs

/// `cbam classify FILE|DIR...`: top-k labels with probabilities.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Name what is in each image: the top-k classes with their probabilities.",
        discussion: """
            Images are prepared as in training (converted to the model's channels, resized to \
            its input size, normalised with its stored mean and std). Folders are searched \
            recursively. A file that cannot be read is reported on stderr and the others are \
            still classified; the exit status is then 1. Without --model the shipped \
            Fashion-MNIST model (Models/\(ShippedModel.fileName)) is used.
            """)

    @Argument(help: "Images (PNG or JPEG) or folders of images.") var inputs: [String]
    @Option(help: "The model file (default: the shipped model).") var model: String?
    @OptionGroup var topKOptions: TopKOptions
    @Flag(help: "Print one JSON object per line per image.") var json = false

    private var topK: Int { topKOptions.topK }

    func run() throws {
        let trained = try TrainedModel(contentsOf: model.map(URL.init(fileURLWithPath:)) ?? ShippedModel.url)
        let files = ImageInputs.expand(inputs)
        var failures = 0
        // Batches of 64: the network is much faster per image on a batch than one by one.
        for start in stride(from: 0, to: files.count, by: 64) {
            var names: [String] = [], images: [Image] = []
            for file in files[start..<min(start + 64, files.count)] {
                do {
                    images.append(try Image(contentsOf: file))
                    names.append(file)
                } catch {
                    failures += 1
                    StandardError.line("error: \(error)")
                }
            }
            for (file, probabilities) in zip(names, trained.probabilities(images)) {
                let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(topK)
                if json {
                    let predictions = ranked.map { Prediction(label: trained.classNames[$0], probability: Double(probabilities[$0])) }
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    print(String(decoding: try encoder.encode(Result(file: file, predictions: predictions)), as: UTF8.self))
                } else {
                    print(file)
                    for c in ranked {
                        let text = percent(Double(probabilities[c]))
                        print(String(repeating: " ", count: max(0, 9 - text.count)) + text + "  " + trained.classNames[c])
                    }
                }
            }
        }
        if failures > 0 {
            StandardError.line("\(failures) of \(files.count) file\(files.count == 1 ? "" : "s") could not be read")
            throw ExitCode.failure
        }
    }

    struct Prediction: Encodable { var label: String; var probability: Double }
    struct Result: Encodable { var file: String; var predictions: [Prediction] }
}
