import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs

/// `cbam bench attention`: do the maps point at what decides the class?
struct BenchAttention: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention",
        abstract: "How much attention mass falls on the evidence: generated patterns, and Fashion-MNIST garments.",
        discussion: """
            1. Generates grey images of noise with a 7×7 pattern at a random place (the \
            pattern's shape is the class), trains a model on them for a few epochs, and \
            reports, over held-out images, each map's share of mass inside the pattern's box \
            against the box's share of the image. A ratio above 1 means the map is denser on \
            the pattern than elsewhere.
            2. With a Fashion-MNIST model and data set (by default the shipped model and \
            Datasets/fashion-mnist), the same for the garment: its pixels are those brighter \
            than --threshold. Skipped when either is missing.

            Examples:
              cbam bench attention
              cbam bench attention --model se --epochs 4 --limit 1000 --json
            """)

    @Option(help: "plain, se or cbam: the model trained on the patterns.") var model: ModelConfiguration.Kind = .cbam
    @Option(help: "Side of the generated images.") var imageSize = 32
    @Option(help: "Generated training images.") var trainingImages = 4000
    @Option(help: "Base width w of the model trained on the patterns.") var width = 16
    @Option(help: "Training epochs on the patterns.") var epochs = 6
    @Option(help: "Seed of the data and the weights.") var seed: UInt64 = 0
    @Option(help: "The Fashion-MNIST model (default: the shipped one).") var fashionModel: String?
    @Option(help: "The Fashion-MNIST data set root or test folder.") var fashionImages = "Datasets/fashion-mnist"
    @Option(help: "Garment pixels are brighter than this (0–255).") var threshold = 10
    @Option(help: "Fashion-MNIST images to measure (0: all).") var limit = 0
    @Flag(help: "Print one JSON object.") var json = false

    struct Report: Encodable {
        var patterns: PatternExperiment.Result
        var patternModel: String
        var fashionMNIST: FashionResult?
    }

    struct FashionResult: Encodable {
        var model: String
        var images: Int
        var threshold: Int
        var maps: [AttentionLocalisation]
    }

    func validate() throws {
        guard model != .vit else { throw ValidationError("--model must be plain, se or cbam") }
        guard (0...255).contains(threshold) else { throw ValidationError("--threshold must be in 0...255") }
        guard limit >= 0 else { throw ValidationError("--limit: \(limit) is below the smallest, 0") }
        do { try experiment.validate() } catch { throw usageError(error) }
    }

    private var experiment: PatternExperiment {
        var experiment = PatternExperiment()
        experiment.imageSize = imageSize
        experiment.trainingImages = trainingImages
        experiment.model = model
        experiment.width = width
        experiment.epochs = epochs
        experiment.seed = seed
        return experiment
    }

    func run() throws {
        let experiment = experiment
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-bench-attention-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        StandardError.line("Training \(model.rawValue) (w = \(width)) for \(counted(epochs, "epoch")) on \(trainingImages) generated \(imageSize)×\(imageSize) images…")
        let patterns = try experiment.run(in: folder) { event in
            if case let .epoch(record, _) = event {
                StandardError.line("  epoch \(record.epoch): validation accuracy \(percent(record.validationAccuracy ?? 0, digits: 1))")
            }
        }
        let report = Report(patterns: patterns, patternModel: "\(model.rawValue), w = \(width), \(counted(epochs, "epoch"))",
                            fashionMNIST: try measureFashionMNIST())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("Generated patterns: \(model.rawValue) (w = \(width)) trained \(counted(epochs, "epoch")) on \(trainingImages) images (\(fixed(patterns.trainingSeconds, 0)) s), validation accuracy \(percent(patterns.validationAccuracy, digits: 1))")
        print(table(patterns.maps, region: "box"))
        if let fashion = report.fashionMNIST {
            print("\nFashion-MNIST: \(fashion.model) on \(fashion.images) images, garment = pixels > \(fashion.threshold)")
            print(table(fashion.maps, region: "garment"))
        }
    }

    /// The shipped (or given) model on the Fashion-MNIST test images; nil when either is missing.
    private func measureFashionMNIST() throws -> FashionResult? {
        let modelURL = fashionModel.map(URL.init(fileURLWithPath:)) ?? ShippedModel.url
        let root = DataSplit.evaluationFolder(fashionImages)
        guard FileManager.default.fileExists(atPath: modelURL.path), FileManager.default.fileExists(atPath: root) else {
            StandardError.line("Fashion-MNIST skipped: needs \(modelURL.path) and \(root)")
            return nil
        }
        let trained = try TrainedModel(contentsOf: modelURL)
        let explainer = try Explainer(model: trained, methods: ExplanationMethod.available(for: trained.network))
        var files = try ImageFolder(root: root).files.map(\.path)
        if limit > 0 { files = Array(files.prefix(limit)) }
        let images = try files.map { try Image(contentsOf: $0) }
        let maps = AttentionLocalisation.measure(explainer, images: images,
                                                 regions: images.map { AttentionLocalisation.brighterThan(UInt8(threshold), in: $0) })
        return FashionResult(model: modelURL.lastPathComponent, images: images.count, threshold: threshold, maps: maps)
    }

    private func table(_ maps: [AttentionLocalisation], region: String) -> String {
        var lines = ["  map                 mass on \(region)   \(region) share   ratio"]
        for map in maps {
            let name = "\(map.layer) \(map.method.title)"
            lines.append("  " + name.padding(toLength: 20, withPad: " ", startingAt: 0)
                         + percent(map.mass.massShare, digits: 1).leftPadded(9 + region.count)
                         + percent(map.mass.areaShare, digits: 1).leftPadded(9 + region.count)
                         + fixed(map.mass.ratio, 2).leftPadded(8))
        }
        return lines.joined(separator: "\n")
    }
}


private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
