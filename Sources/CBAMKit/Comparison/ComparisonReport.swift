import Foundation

/// One model trained with one seed, as `cbam compare` keeps it (runs/<model>-seed<k>.json).
public struct ComparisonRun: Codable, Equatable, Sendable {
    public var model: ModelConfiguration.Kind
    public var seed: UInt64
    public var options: TrainingOptions
    public var history: [EpochRecord]
    public var wallSeconds: Double

    /// (A comparison always has validation images: `Comparison.run` refuses a split without.)
    public var bestValidationAccuracy: Double { history.compactMap(\.validationAccuracy).max() ?? 0 }

    enum CodingKeys: String, CodingKey {
        case model, seed, options, history, wallSeconds = "wall_seconds"
    }
}

/// What one model costs and buys, over its seeds.
public struct ModelSummary: Codable, Equatable, Sendable {
    public var model: ModelConfiguration.Kind
    public var parameters: Int
    public var mflopsPerImage: Double
    /// Median over the runs' epochs (real data, this machine).
    public var trainImagesPerSecond: Double
    /// `cbam bench` figures for the same configuration (batch 256; batch 1); nil with `--no-bench`.
    public var inferImagesPerSecond: Double?
    public var latencyMilliseconds: Double?
    /// Mean wall time of one run (training and validation).
    public var wallSeconds: Double
    public var bestAccuracyMean: Double
    public var bestAccuracyStd: Double
    /// Validation accuracy per epoch: mean and standard deviation over seeds.
    public var accuracyByEpochMean: [Double]
    public var accuracyByEpochStd: [Double]
    public var seeds: Int

    enum CodingKeys: String, CodingKey {
        case model, parameters, seeds
        case mflopsPerImage = "mflops_per_image", trainImagesPerSecond = "train_images_per_s"
        case inferImagesPerSecond = "infer_images_per_s", latencyMilliseconds = "latency_ms"
        case wallSeconds = "wall_seconds_per_run", bestAccuracyMean = "best_val_accuracy_mean"
        case bestAccuracyStd = "best_val_accuracy_std", accuracyByEpochMean = "val_accuracy_by_epoch_mean"
        case accuracyByEpochStd = "val_accuracy_by_epoch_std"
    }

    /// The counts come from the configuration, the speeds from `benchmark` when there is one.
    init(runs: [ComparisonRun], benchmark: NetworkBenchmark.Result?) {
        model = runs[0].model
        parameters = runs[0].options.model.parameterCount
        mflopsPerImage = Double(runs[0].options.model.forwardFLOPsPerImage) / 1e6
        trainImagesPerSecond = median(runs.flatMap { $0.history.map(\.trainImagesPerSecond) })
        inferImagesPerSecond = benchmark?.inferImagesPerSecond
        latencyMilliseconds = benchmark?.latencyMilliseconds
        wallSeconds = runs.map(\.wallSeconds).reduce(0, +) / Double(runs.count)
        (bestAccuracyMean, bestAccuracyStd) = meanAndStd(runs.map(\.bestValidationAccuracy))
        let epochs = runs.map(\.history.count).min() ?? 0
        let byEpoch = (0..<epochs).map { e in meanAndStd(runs.map { $0.history[e].validationAccuracy ?? 0 }) }
        accuracyByEpochMean = byEpoch.map(\.mean)
        accuracyByEpochStd = byEpoch.map(\.std)
        seeds = runs.count
    }
}

/// The whole comparison: `report.json`, and `report.md` through `markdown`.
public struct ComparisonReport: Codable, Equatable, Sendable {
    public var command: String
    public var machine: String
    public var data: String
    public var trainingImages: Int
    public var validationImages: Int
    public var classes: [String]
    public var epochs: Int
    public var seeds: [UInt64]
    public var models: [ModelSummary]
    public var runs: [ComparisonRun]
    /// What the numbers show about CBAM against the others, in words.
    public var findings: [String]

    enum CodingKeys: String, CodingKey {
        case command, machine, data, classes, epochs, seeds, models, runs, findings
        case trainingImages = "training_images", validationImages = "validation_images"
    }

    /// Plain statements comparing CBAM's best validation accuracy with each other
    /// model's: a difference counts only when it exceeds the two seed spreads together.
    static func findings(_ models: [ModelSummary]) -> [String] {
        guard let cbam = models.first(where: { $0.model == .cbam }) else { return [] }
        return models.filter { $0.model != .cbam }.map { other in
            let difference = (cbam.bestAccuracyMean - other.bestAccuracyMean) * 100
            let spread = (cbam.bestAccuracyStd + other.bestAccuracyStd) * 100
            let numbers = "CBAM \(points(cbam.bestAccuracyMean))% ± \(points(cbam.bestAccuracyStd)) vs \(other.model.title) "
                + "\(points(other.bestAccuracyMean))% ± \(points(other.bestAccuracyStd)) (difference "
                + String(format: "%+.2f", difference) + " points, spreads together " + String(format: "%.2f", spread) + ")"
            if cbam.seeds < 2 || other.seeds < 2 {
                return "\(numbers): one seed each, so no spread to judge the difference against."
            }
            if abs(difference) <= spread {
                return "\(numbers): CBAM does not beat \(other.model.title) within the seed spread on this data and budget."
            }
            return difference > 0 ? "\(numbers): CBAM is ahead of \(other.model.title) by more than the seed spread."
                : "\(numbers): CBAM is behind \(other.model.title) by more than the seed spread."
        }
    }

    /// Each model's optimiser as its runs used it: "plain CNN: sgd, lr 0.1, weight decay 0.0005, …".
    var optimisers: String {
        models.compactMap { model in
            runs.first { $0.model == model.model }.map { run in
                let o = run.options
                return "\(model.model.title): \(o.optimizer.rawValue), lr \(o.learningRate), weight decay \(o.weightDecay), "
                    + "batch \(o.batchSize), \(o.warmupEpochs) warm-up epoch\(o.warmupEpochs == 1 ? "" : "s"), "
                    + "label smoothing \(o.labelSmoothing), \(o.transform == .photo ? "photo transforms (random-resized crops\(o.augmentation.colourJitter > 0 ? ", colour jitter \(o.augmentation.colourJitter)" : ""))" : "crop padding \(o.augmentation.padding)")\(o.augmentation.flip ? ", flips" : "")"
            }
        }.joined(separator: "; ")
    }

    public var markdown: String {
        var lines = ["# cbam compare", "",
                     "Data: `\(data)`, \(classes.count) classes, \(trainingImages) training and \(validationImages) validation images.  ",
                     "Budget: \(epochs) epochs per run, seed\(seeds.count == 1 ? "" : "s") \(seeds.map(String.init).joined(separator: ", ")), each model with its own optimiser (\(optimisers)); warm-up then cosine; the same augmentation for every model.  ",
                     "Machine: \(machine)  ",
                     "Command: `\(command)`", "",
                     "| model | parameters | forward MFLOPs/image | training images/s | inference images/s | batch-1 latency | wall time per run | best validation accuracy (mean ± std over seeds) |",
                     "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for m in models {
            lines.append("| \(m.model.title) | \(m.parameters) | " + String(format: "%.1f | %.0f | ", m.mflopsPerImage, m.trainImagesPerSecond)
                         + (m.inferImagesPerSecond.map { String(format: "%.0f", $0) } ?? "–") + " | "
                         + (m.latencyMilliseconds.map { String(format: "%.2f ms", $0) } ?? "–") + " | "
                         + "\(durationText(m.wallSeconds)) | \(points(m.bestAccuracyMean))% ± \(points(m.bestAccuracyStd)) |")
        }
        lines += ["", "Training images/s: median over the runs' epochs on this data; inference images/s (batch 256) and latency: `cbam bench` on the same configuration"
                  + (models.contains { $0.inferImagesPerSecond == nil } ? " (–: not measured, `--no-bench`)." : "."), ""]
        if !findings.isEmpty {
            lines += ["## What it shows", ""] + findings.map { "- " + $0 } + [""]
        }
        lines += ["![validation accuracy by epoch](accuracy.png)", ""]
        return lines.joined(separator: "\n")
    }
}

extension ModelConfiguration.Kind {
    /// The name a table shows.
    public var title: String {
        switch self {
        case .plain: return "plain CNN"
        case .se: return "SE"
        case .cbam: return "CBAM"
        case .vit: return "ViT"
        }
    }
}

func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, 0) }
    // Sample standard deviation (n − 1), as numpy's std(ddof=1) and most papers' ± report.
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
    return (mean, variance.squareRoot())
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// An accuracy (0…1) in percentage points with two decimals: 0.93512 → "93.51".
func points(_ accuracy: Double) -> String { String(format: "%.2f", accuracy * 100) }

/// "3 min 12 s", "42 s", "0.4 s": a short run is not "0 s".
func durationText(_ seconds: Double) -> String {
    if seconds < 9.95 { return String(format: "%.1f s", seconds) }
    let total = Int(seconds.rounded())
    return total >= 60 ? "\(total / 60) min \(total % 60) s" : "\(total) s"
}
