import ArgumentParser
import CBAMKit
import Foundation
import OneDNN

/// `cbam bench [--model plain|se|cbam|vit] [--against M]`: training and inference
/// throughput on random data, of one network or of two side by side.
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
              cbam bench network --model cbam --against plain --rounds 9
            """)

    @Option(help: "plain, se, cbam or vit.") var model: ModelConfiguration.Kind = .cbam
    @Option(help: ArgumentHelp("A second model, timed in rounds alternating with --model's in this process; prints both and the speed ratios (default: none, --model alone).",
                               valueName: "model")) var against: ModelConfiguration.Kind?
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
    func benchedOptions(_ kind: ModelConfiguration.Kind? = nil) throws -> TrainingOptions {
        try TrainingSetup(input: input, size: size, optimizer: optimizer, data: nil, precision: precision)
            .options(kind ?? model, epochs: 1, seed: 0, channels: input.channels ?? 3, classes: classes)
    }

    func validate() throws {
        _ = try benchedOptions()
        if let against {
            _ = try benchedOptions(against)
            guard !profile else { throw ValidationError("--profile times one model: drop --against to profile") }
        }
        guard (1...4096).contains(inferenceBatch) else { throw ValidationError("--inference-batch: \(inferenceBatch) is outside 1–4096") }
        guard (1...101).contains(rounds) else { throw ValidationError("--rounds: \(rounds) is outside 1–101") }
    }

    func benchmark(_ kind: ModelConfiguration.Kind? = nil) throws -> NetworkBenchmark {
        var benchmark = NetworkBenchmark(options: try benchedOptions(kind))
        benchmark.profile = profile
        benchmark.inferenceBatch = inferenceBatch
        benchmark.rounds = rounds
        return benchmark
    }

    func run() throws {
        if let against { return try runPaired(against) }
        let benchmark = try benchmark()
        let options = benchmark.options
        let result = benchmark.run(name: options.model.name)
        if json {
            try printJSON(result)
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
                if let bf16 = result.bf16PeakGFLOPs {
                    print(String(format: "bf16 dot-product peak %.0f GFLOP/s measured: %.2f× the FP32 peak%@", bf16, bf16 / peak,
                                 bf16 > peak ? "" : " (bf16 cannot be the faster arithmetic on this CPU)"))
                }
            }
            for (title, shares) in [("a training step", result.trainingTimeShares), ("an inference batch", result.inferenceTimeShares)] {
                guard let shares else { continue }
                print("share of \(title)\(options.precision == .bf16 ? " (layers not marked bf16 run in fp32)" : ""):")
                for (kind, share) in shares.sorted(by: { $0.value > $1.value }) {
                    print(String(format: "  %5.1f%%  %@", share * 100, kind))
                }
            }
        }
    }

    private func runPaired(_ other: ModelConfiguration.Kind) throws {
        var paired = PairedBenchmark(try benchmark(), try benchmark(other))
        paired.rounds = rounds
        let result = paired.run()
        if json { return try printJSON(result) }
        let options = paired.first.options, (a, b) = (result.first, result.second)
        let width = max(a.model.count, b.model.count, 6)
        func column(_ text: String) -> String { String(repeating: " ", count: max(width - text.count, 0)) + text }
        print("""
        \(a.model) against \(b.model), \(options.model.channels)×\(options.model.imageSize)×\(options.model.imageSize), \(precision.described(options.precision)), \(counted(Parallel.threadCount, "thread")), \(counted(result.rounds, "round")) alternating
                              \(column(a.model))  \(column(b.model))  \(a.model)/\(b.model) (median of the rounds' ratios)
        training images/s     \(column(String(format: "%.0f", a.trainImagesPerSecond)))  \(column(String(format: "%.0f", b.trainImagesPerSecond)))  \(String(format: "%.2f", result.trainingRatio))  (batch \(paired.first.trainBatch), forward + backward + \(options.optimizer.rawValue))
        inference images/s    \(column(String(format: "%.0f", a.inferImagesPerSecond)))  \(column(String(format: "%.0f", b.inferImagesPerSecond)))  \(String(format: "%.2f", result.inferenceRatio))  (batch \(paired.first.inferenceBatch))
        """)
    }

    private func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
