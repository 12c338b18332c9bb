import ArgumentParser
import CBAMKit
import Foundation
import OneDNN

/// `cbam compare DIR`: plain vs SE vs CBAM vs ViT on the same data and budget.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train plain, SE, CBAM and ViT models on the same data, split, augmentation, epochs and seeds; report them side by side.",
        discussion: """
            Each model trains with its own documented optimiser defaults (see `cbam train --help`). \
            Writes OUT/report.json, OUT/report.md (the table, the exact command, the machine, what \
            the numbers show) and OUT/accuracy.png (validation accuracy by epoch, mean and spread \
            over seeds). Finished runs are kept in OUT/runs/, and an unfinished one has its \
            checkpoint there, so running the same command again after an interruption resumes. \
            When the validation split (val/ or test/ beside train/) has a boxes.csv (as \
            Datasets/fashion-mnist.sh and cluttered-fashion-mnist.sh write it), each model's \
            first-seed run is scored on where its maps look, as `cbam localise` does, and the \
            report gains that table. After training, each model's inference speed is measured (batch 256 and batch 1) and kept \
            in OUT/runs/<model>-benchmark.json for that configuration and machine, so a second run \
            reuses it; --no-bench skips the measurement (the report leaves those columns empty).

            Examples:
              cbam compare Datasets/sample/fashion-mnist --image-size 28 --epochs 5 --seeds 1
              cbam compare photos --models se,cbam --arch resnet18 --image-size 112 --no-bench
            """)

    @Argument(help: "The image folder (as for `cbam train`).") var directory: String
    @Option(help: "Models to compare, separated by commas.") var models = "plain,se,cbam,vit"
    @Option(help: "Epochs per run (the same for every model).") var epochs = 10
    @Option(help: "Seeds per model (0, 1, …).") var seeds = 3
    @Option(help: "Output folder.") var out = "compare"
    @Flag(help: "Print the report as JSON on stdout.") var json = false
    @Flag(help: "Skip the inference benchmark after training (the report's inference columns stay empty).") var noBench = false
    @OptionGroup(title: "Input") var input: InputOptions
    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model size (applied to every model)") var size: ModelSizeOptions
    @OptionGroup(title: "Optimiser (applied to every model)") var optimizer: OptimizerOptions

    @Option(help: PrecisionChoice.help(default: .auto)) var precision = PrecisionChoice.auto

    var setup: TrainingSetup { TrainingSetup(input: input, size: size, optimizer: optimizer, data: data, precision: precision) }

    func validate() throws {
        guard (1...1000).contains(seeds) else { throw ValidationError("--seeds: \(seeds) is outside 1–1000") }
        try setup.check(try kinds(), epochs: epochs)
    }

    private func kinds() throws -> [ModelConfiguration.Kind] {
        let kinds = try models.split(separator: ",").map { name in
            guard let kind = ModelConfiguration.Kind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--models: unknown model '\(name)' (expected plain, se, cbam, vit)")
            }
            return kind
        }
        guard !kinds.isEmpty else { throw ValidationError("--models names no model") }
        return kinds
    }

    func run() throws {
        // The split's seed is fixed, so every model and seed sees the same images.
        let data = try TrainingData(directory: directory, options: self.data, seed: 0, imageSize: input.imageSize,
                                    transform: self.data.transform(imageSize: input.imageSize), channels: input.channels)
        let (split, training, validation) = (data.split, data.training, data.validation)

        let outURL = URL(fileURLWithPath: out)
        let (setup, epochs, classes) = (setup, epochs, split.classNames.count)
        let comparison = Comparison(models: try kinds(), seeds: (0..<seeds).map(UInt64.init), classNames: split.classNames,
                                    training: training, validation: validation, directory: outURL) { kind, seed in
            try setup.options(kind, epochs: epochs, seed: seed, channels: training.channels, classes: classes)
        }
        comparison.measuresInference = !noBench
        // Only a held-out folder: a --val-split share of one folder would score training images too.
        let heldOut = DataSplit.evaluationFolder(directory)
        if heldOut != directory {
            let boxes = URL(fileURLWithPath: heldOut).appendingPathComponent("boxes.csv").path
            if FileManager.default.fileExists(atPath: boxes) {
                // Read now, so that a bad file stops the comparison before hours of training, not after.
                _ = try BoxesFile.read(boxes, folder: heldOut)
                comparison.localisationBoxes = (heldOut, boxes)
            }
        }
        let compared = try kinds()
        let arithmetic = try setup.options(compared[0], epochs: epochs, seed: 0, channels: training.channels, classes: classes).precision
        StandardError.line("Comparing \(compared.map(\.rawValue).joined(separator: ", ")) over \(counted(seeds, "seed")), "
                           + "\(precision.described(arithmetic)), \(counted(Parallel.threadCount, "thread"))")
        InterruptFlag.shared.install(message: "Stopping after this batch; run the same command again to resume…")
        var bar = ProgressBar()
        var current = ""
        let command = (["cbam"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        guard let report = try comparison.run(command: command, data: directory, events: { event in
            switch event {
            case let .runStarted(model, seed, index, total, resumed):
                current = "\(model.rawValue) seed \(seed) (run \(index + 1)/\(total))"
                StandardError.line("== \(current)\(resumed ? ", resumed from its checkpoint" : "")")
            case let .runReused(model, seed):
                StandardError.line("== \(model.rawValue) seed \(seed): finished earlier, reused")
            case let .training(.batch(_, batch, batches, loss, accuracy, imagesPerSecond), done, total, eta):
                bar.update(done: batch, total: batches, prefix: current,
                           detail: "training ETA \(eta.map(formatDuration) ?? "…")  loss \(fixed(loss, 4)) acc \(percent(accuracy)) \(fixed(imagesPerSecond, 0)) img/s  all runs \(done)/\(total) batches")
            case let .training(.epoch(record, _), _, _, eta):
                bar.clear()
                StandardError.line("   epoch \(record.epoch)/\(epochs)  val acc \(percent(record.validationAccuracy ?? 0))  \(fixed(record.trainImagesPerSecond, 0)) img/s  training ETA \(eta.map(formatDuration) ?? "…")")
            case let .benchmarking(model, index, total, cached):
                bar.clear()
                StandardError.line(cached ? "== inference speed of \(model.rawValue) (\(index + 1)/\(total)): measured earlier for this configuration, reused"
                                   : "== measuring the inference speed of \(model.rawValue) (\(index + 1)/\(total); batch 256 and batch 1; --no-bench skips it)")
            case let .localising(model, index, total):
                StandardError.line("== where \(model.rawValue)'s first-seed run looks (\(index + 1)/\(total)): its maps against the validation split's boxes.csv")
            }
        }, shouldStop: { InterruptFlag.shared.isRaised }) else {
            bar.clear()
            print("Interrupted; the finished runs and the current run's checkpoint are in \(outURL.appendingPathComponent("runs").path). Run the same command again to resume.")
            throw ExitCode(130)
        }
        bar.clear()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let reportJSON = try encoder.encode(report)
        try reportJSON.write(to: outURL.appendingPathComponent("report.json"), options: .atomic)
        try Data(report.markdown.utf8).write(to: outURL.appendingPathComponent("report.md"), options: .atomic)
        try AccuracyFigure.write(report, to: outURL.appendingPathComponent("accuracy.png").path)
        data.reportSkipped()
        print(json ? String(decoding: reportJSON, as: UTF8.self) : report.markdown)
    }
}
