import ArgumentParser
import CBAMKit
import Foundation
import OneDNN

/// `cbam bench [--model plain|se|cbam|vit]`: training and inference throughput on random data.
struct BenchNetwork: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Training images/s (--batch-size), inference images/s (batch 256) and batch-1 latency.",
        discussion: """
            Medians of several timed runs after warm-up, in this build. Benchmarks/compare.sh runs PyTorch beside it.

            Examples:
              cbam bench network --model cbam --image-size 28 --channels 1
              cbam bench network --arch resnet50 --image-size 224 --batch-size 32 --profile
              cbam bench network --model vit --json
            """)

    @Option(help: "plain, se, cbam or vit.") var model: ModelConfiguration.Kind = .cbam
    @Option(help: "Classes.") var classes = ModelConfiguration().classes
    @OptionGroup(title: "Input") var input: InputOptions
    @OptionGroup(title: "Model size") var size: ModelSizeOptions
    @OptionGroup(title: "Optimiser (the training step's)") var optimizer: OptimizerOptions
    @Option(help: PrecisionChoice.help(default: .auto)) var precision = PrecisionChoice.auto
    @Option(help: "Images per inference batch.") var inferenceBatch = NetworkBenchmark.defaultInferenceBatch
    @Option(help: "Timed runs per figure (the median is reported).") var rounds = NetworkBenchmark.defaultRounds
    @Flag(help: "Also report each kind of layer's share of a training step.") var profile = false
    @Flag(help: "Print one JSON object.") var json = false

    /// DESIGN.md's defaults for the model, with the sizes given on the command line; RGB unless told.
    func benchedOptions() throws -> TrainingOptions {
        try TrainingSetup(input: input, size: size, optimizer: optimizer, data: nil, precision: precision)
            .options(model, epochs: 1, seed: 0, channels: input.channels ?? 3, classes: classes)
    }

    func validate() throws {
        _ = try benchedOptions()
        guard (1...4096).contains(inferenceBatch) else { throw ValidationError("--inference-batch: \(inferenceBatch) is outside 1–4096") }
        guard (1...101).contains(rounds) else { throw ValidationError("--rounds: \(rounds) is outside 1–101") }
    }

    func run() throws {
        let options = try benchedOptions()
        var benchmark = NetworkBenchmark(options: options)
        benchmark.profile = profile
        benchmark.inferenceBatch = inferenceBatch
        benchmark.rounds = rounds
        let result = benchmark.run(name: options.model.name)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print("""
            model \(result.model), \(result.channels)×\(result.imageSize)×\(result.imageSize), \(precision.described(options.precision)), \(counted(result.threads, "thread")), kernels for \(VectorUnits.kernels)
            parameters            \(result.parameters)
            forward MFLOPs/image  \(String(format: "%.1f", result.mflopsPerImage))
            training images/s     \(String(format: "%.0f", result.trainImagesPerSecond))  (batch \(benchmark.trainBatch), forward + backward + \(benchmark.options.optimizer.rawValue))
            inference images/s    \(String(format: "%.0f", result.inferImagesPerSecond))  (batch \(benchmark.inferenceBatch))
            batch-1 latency       \(String(format: "%.2f", result.latencyMilliseconds)) ms
            peak memory           \(String(format: "%.0f", result.peakMemoryMB)) MB (training at batch \(benchmark.trainBatch); \(String(format: "%.0f", result.baseMemoryMB)) MB before the first step)
            """)
            let achieved = 3 * result.mflopsPerImage * result.trainImagesPerSecond / 1000
            print("training GFLOP/s      \(String(format: "%.0f", achieved))  (≈3× forward FLOPs per image; all layers, not only convolutions)")
            if let train = result.convolutionTrainGFLOPs, let infer = result.convolutionInferGFLOPs, let peak = result.peakGFLOPs {
                print(String(format: "convolution GFLOP/s   %.0f training, %.0f inference: %.0f %% and %.0f %% of this machine's FP32 peak (%.0f GFLOP/s measured, %@)",
                             train, infer, 100 * train / peak, 100 * infer / peak, peak, counted(result.threads, "thread")))
                if train > peak {
                    print("                      (direct-convolution FLOPs: training's Winograd convolutions multiply less than they count)")
                }
            }
            for (title, shares) in [("training step", result.trainingTimeShares), ("inference batch", result.inferenceTimeShares)] {
                guard let shares else { continue }
                print("share of a \(title)\(options.precision == .bf16 ? " (layers not marked bf16 run in fp32)" : ""):")
                for (kind, share) in shares.sorted(by: { $0.value > $1.value }) {
                    print(String(format: "  %5.1f%%  %@", share * 100, kind))
                }
            }
        }
    }
}
