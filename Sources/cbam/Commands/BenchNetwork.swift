import ArgumentParser
import CBAMKit
import Foundation

/// `cbam bench [--model plain|se|cbam|vit]`: training and inference throughput on random data.
struct BenchNetwork: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Training images/s (batch 128), inference images/s (batch 256) and batch-1 latency.",
        discussion: "Medians of several timed runs after warm-up, in this build. Benchmarks/compare.sh runs PyTorch beside it.")

    enum Model: String, ExpressibleByArgument, CaseIterable { case plain, se, cbam, vit }

    @Option(help: "plain, se, cbam or vit.") var model: Model = .cbam
    @Option(help: "Input channels, 1 or 3.") var channels = 3
    @Option(name: .customLong("image-size"), help: "Input size S (S×S).") var imageSize = 32
    @Option(help: "Classes.") var classes = 10
    @Option(help: "Base width w (ViT: embedding dimension d); default 32 (ViT 96).") var width: Int?
    @Option(help: "Blocks per stage (ViT: encoder blocks); default 1 (ViT 4).") var depth: Int?
    @Flag(help: "Also report each kind of layer's share of a training step.") var profile = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard channels == 1 || channels == 3 else { throw ValidationError("--channels must be 1 or 3") }
        guard imageSize >= 8 else { throw ValidationError("--image-size must be at least 8") }
        try benchedConfiguration.validate { ValidationError($0) }
    }

    /// DESIGN.md's defaults for the model, with the sizes given on the command line.
    var benchedConfiguration: ModelConfiguration {
        var configuration = ModelConfiguration(kind: ModelConfiguration.Kind(rawValue: model.rawValue)!,
                                               channels: channels, imageSize: imageSize, classes: classes)
        if let width { configuration.width = width }
        if let depth { configuration.depth = depth }
        return configuration
    }

    func run() throws {
        var benchmark = NetworkBenchmark(configuration: benchedConfiguration)
        benchmark.profile = profile
        let result = benchmark.run(name: model.rawValue)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print("""
            model \(result.model), \(channels)×\(imageSize)×\(imageSize), \(result.threads) threads
            parameters            \(result.parameters)
            forward MFLOPs/image  \(String(format: "%.1f", result.mflopsPerImage))
            training images/s     \(String(format: "%.0f", result.trainImagesPerSecond))  (batch 128, forward + backward + \(model == .vit ? "AdamW" : "SGD"))
            inference images/s    \(String(format: "%.0f", result.inferImagesPerSecond))  (batch 256)
            batch-1 latency       \(String(format: "%.2f", result.latencyMilliseconds)) ms
            peak memory           \(String(format: "%.0f", result.peakMemoryMB)) MB (training at batch 128)
            """)
            let achieved = 3 * result.mflopsPerImage * result.trainImagesPerSecond / 1000
            print("training GFLOP/s      \(String(format: "%.0f", achieved))  (≈3× forward FLOPs per image; all layers, not only convolutions)")
            for (title, shares) in [("training step", result.trainingTimeShares), ("inference batch", result.inferenceTimeShares)] {
                guard let shares else { continue }
                print("share of a \(title):")
                for (kind, share) in shares.sorted(by: { $0.value > $1.value }) {
                    print(String(format: "  %5.1f%%  %@", share * 100, kind))
                }
            }
        }
    }
}
