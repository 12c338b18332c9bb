import Foundation
import OneDNN

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
    /// Where the first-seed run's maps look on the validation split's boxes; nil without boxes.
    public var localisation: LocalisationReport?

    enum CodingKeys: String, CodingKey {
        case model, parameters, seeds, localisation
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

    /// Plain statements: CBAM's best validation accuracy against each other model's (a
    /// difference counts only when it exceeds the two seed spreads together), how widely
    /// each model's first epoch varies over seeds, and where the models' maps look.
    static func findings(_ models: [ModelSummary], runs: [ComparisonRun]) -> [String] {
        accuracyFindings(models) + [firstEpochFinding(models, runs: runs), localisationFinding(models)].compactMap { $0 }
    }

    static func accuracyFindings(_ models: [ModelSummary]) -> [String] {
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

    /// "First-epoch validation accuracy over seeds 0, 1, 2: plain CNN 80.1 / 79.5 / 81.0% (1.5 points
    /// from lowest to highest), …; CBAM's start is no wider than SE's." nil with one seed.
    static func firstEpochFinding(_ models: [ModelSummary], runs: [ComparisonRun]) -> String? {
        let firsts = models.map { model in
            (model.model, runs.filter { $0.model == model.model }.sorted { $0.seed < $1.seed }
                .compactMap { $0.history.first?.validationAccuracy })
        }
        guard let seeds = firsts.first?.1.count, seeds > 1 else { return nil }
        func width(_ values: [Double]) -> Double { ((values.max() ?? 0) - (values.min() ?? 0)) * 100 }
        let listed = firsts.map { model, values in
            "\(model.title) " + values.map { String(format: "%.1f", $0 * 100) }.joined(separator: " / ")
                + "% (" + String(format: "%.1f", width(values)) + " points)"
        }
        var sentence = "First-epoch validation accuracy by seed (and its width, lowest to highest): " + listed.joined(separator: ", ")
        if let cbam = firsts.first(where: { $0.0 == .cbam }), let se = firsts.first(where: { $0.0 == .se }) {
            sentence += width(cbam.1) <= width(se.1) ? "; CBAM's start is no wider than SE's." : "; CBAM's start is wider than SE's."
        } else {
            sentence += "."
        }
        return sentence
    }

    /// One phrase per model's last map of each method: "CBAM: spatial layer3.0 1.42× (pointing 71.0%), …".
    static func localisationFinding(_ models: [ModelSummary]) -> String? {
        let measured = models.compactMap { model in model.localisation.map { (model.model, $0) } }
        guard let share = measured.first?.1.boxShare else { return nil }
        let phrases = measured.map { model, report in
            let lastPerMethod = Dictionary(report.maps.map { ($0.method, $0) }, uniquingKeysWith: { _, last in last })
            let maps = report.maps.filter { lastPerMethod[$0.method] == $0 }.map { map in
                "\(map.method.title) \(map.layer) " + String(format: "%.2f×", map.massRatio) + " (pointing game \(points(map.pointingHitRate))%)"
            }
            return "\(model.title): " + maps.joined(separator: ", ")
        }
        return "Mass on the object (each model's first-seed run; ratio to a map without preference, 1×; pointing game against "
            + "\(points(share))% by chance), the last map of each method: " + phrases.joined(separator: "; ") + "."
    }

    /// Each model's optimiser as its runs used it: "plain CNN: sgd, lr 0.1, weight decay 0.0005, …".
    var optimisers: String {
        models.compactMap { model in
            runs.first { $0.model == model.model }.map { run in
                let o = run.options
                return "\(model.model.title): \(o.precision.rawValue), \(o.optimizer.rawValue), lr \(o.learningRate), weight decay \(o.weightDecay), "
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
        lines += localisationSection
        return lines.joined(separator: "\n")
    }
}

extension ComparisonReport {
    /// Every map of each model's first-seed run against the validation split's boxes; empty without them.
    var localisationSection: [String] {
        let measured = models.compactMap { model in model.localisation.map { (model.model, $0) } }
        guard let first = measured.first?.1 else { return [] }
        var lines = ["## Where each model looks", "",
                     "Each model's seed-\(seeds[0]) run on `\(first.folder)` (\(counted(first.images, "image")), the \(first.box.rawValue) "
                     + "boxes of `\(URL(fileURLWithPath: first.boxes).lastPathComponent)`, covering \(points(first.boxShare))% of the image on average). "
                     + "Ratio: the map's share of mass inside the box ÷ the box's share of the image (1: no preference). Pointing game: "
                     + "the images whose map maximum lies inside the box (a map without preference: \(points(first.boxShare))%). "
                     + "The same figures as `cbam localise`.", "",
                     "| model | map | mass in box | ratio | pointing game |", "|---|---|---:|---:|---:|"]
        for (model, report) in measured {
            for map in report.maps {
                lines.append("| \(model.title) | \(map.method.title) \(map.layer) | \(points(map.massInBox))% | "
                             + String(format: "%.2f", map.massRatio) + " | \(points(map.pointingHitRate))% |")
            }
        }
        return lines + [""]
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
