import Foundation
import OneDNN

/// What a comparison reports as it goes.
public enum ComparisonEvent {
    /// A run begins (`index` of `total`, 0-based); `resumed` when it continues from its checkpoint.
    case runStarted(model: ModelConfiguration.Kind, seed: UInt64, index: Int, total: Int, resumed: Bool)
    /// A run finished earlier and is read back instead of trained again.
    case runReused(model: ModelConfiguration.Kind, seed: UInt64)
    /// A training event of the current run, with the whole comparison's progress; the
    /// time left (training only: the benchmarks follow) once steady-state batches measured it.
    case training(TrainingEvent, batchesDone: Int, totalBatches: Int, etaSeconds: Double?)
    /// Measuring a model's inference speed (`index` of `total`, 0-based), or reading the
    /// figures measured earlier for the same configuration (`cached`).
    case benchmarking(model: ModelConfiguration.Kind, index: Int, total: Int, cached: Bool)
    /// Scoring the maps of a model's first-seed run against the validation split's boxes (`index` of `total`, 0-based).
    case localising(model: ModelConfiguration.Kind, index: Int, total: Int)
}

/// `cbam compare`: every model trained on the same split, augmentation, epochs and
/// seeds, each with its own documented optimiser defaults. Every finished run is
/// kept in `runs/<model>-seed<k>.json`, and an unfinished one has its checkpoint,
/// so an interrupted comparison resumes where it stopped.
public final class Comparison {
    public let models: [ModelConfiguration.Kind]
    public let seeds: [UInt64]
    public let classNames: [String]
    public let training: ImageSet
    public let validation: ImageSet
    public let directory: URL
    /// Each run's options: the same data, augmentation, epochs and batch for every model,
    /// each model with its own optimiser defaults; throws for options out of bounds.
    public let options: (_ model: ModelConfiguration.Kind, _ seed: UInt64) throws -> TrainingOptions
    /// How the speed columns are measured (quick settings for tests).
    public var benchmarkSettings: (inout NetworkBenchmark) -> Void = { _ in }
    /// false (`--no-bench`): no inference benchmark; the report leaves its columns empty.
    public var measuresInference = true
    /// The validation split's folder and its `boxes.csv`, when it has one: each model's
    /// first-seed run is then scored on where its maps look (`LocalisationReport`).
    public var localisationBoxes: (folder: String, boxes: String)?

    public init(models: [ModelConfiguration.Kind], seeds: [UInt64], classNames: [String], training: ImageSet,
                validation: ImageSet, directory: URL,
                options: @escaping (_ model: ModelConfiguration.Kind, _ seed: UInt64) throws -> TrainingOptions) {
        self.models = models
        self.seeds = seeds
        self.classNames = classNames
        self.training = training
        self.validation = validation
        self.directory = directory
        self.options = options
    }

    private var runsDirectory: URL { directory.appendingPathComponent("runs") }

    private func url(_ model: ModelConfiguration.Kind, _ seed: UInt64, _ ext: String) -> URL {
        runsDirectory.appendingPathComponent("\(model.rawValue)-seed\(seed).\(ext)")
    }

    /// Trains what is not finished yet, then benchmarks each model; nil when stopped.
    public func run(command: String, data: String, events: (ComparisonEvent) -> Void = { _ in },
                    shouldStop: () -> Bool = { false }) throws -> ComparisonReport? {
        guard validation.count > 0 else {
            throw DatasetError(path: data, reason: "has no validation images, and a comparison ranks models by validation accuracy (give --val-split above 0, or val/ or test/ beside train/)")
        }
        try FileManager.default.createDirectory(at: runsDirectory, withIntermediateDirectories: true)
        let plan = models.flatMap { model in seeds.map { (model, $0) } }
        let plannedOptions = try plan.map { try options($0.0, $0.1) }
        let batchesPerRun = plannedOptions.map { $0.epochs * Trainer.batchesPerEpoch(images: training.count, batchSize: $0.batchSize) }
        let totalBatches = batchesPerRun.reduce(0, +)
        var runs: [ComparisonRun] = []
        var batchesDone = 0
        var remaining = RemainingTime()
        for (index, (model, seed)) in plan.enumerated() {
            let options = plannedOptions[index]
            if let finished = try? JSONDecoder().decode(ComparisonRun.self, from: Data(contentsOf: url(model, seed, "json"))),
               finished.options == options {
                runs.append(finished)
                batchesDone += batchesPerRun[index]
                events(.runReused(model: model, seed: seed))
                continue
            }
            let modelURL = url(model, seed, "safetensors"), logURL = url(model, seed, "jsonl")
            let checkpoint = Checkpoint.url(forModel: modelURL)
            let resumable = (try? Checkpoint.load(checkpoint))?.state.options == options
            let trainer = resumable
                ? try Trainer(resuming: checkpoint, classNames: classNames, training: training, validation: validation,
                              modelURL: modelURL, logURL: logURL)
                : try Trainer(options: options, classNames: classNames, training: training, validation: validation,
                              modelURL: modelURL, logURL: logURL)
            events(.runStarted(model: model, seed: seed, index: index, total: plan.count, resumed: resumable))
            let startBatch = trainer.state.step
            batchesDone += startBatch
            let outcome = try trainer.run(events: { event in
                if case .batch = event {
                    batchesDone += 1
                    remaining.batchFinished(at: RemainingTime.now)
                }
                let eta = remaining.seconds(forBatches: totalBatches - batchesDone)
                events(.training(event, batchesDone: batchesDone, totalBatches: totalBatches, etaSeconds: eta))
            }, shouldStop: shouldStop)
            guard outcome == .finished else { return nil }
            let run = ComparisonRun(model: model, seed: seed, options: options, history: trainer.state.history,
                                    wallSeconds: trainer.state.history.map(\.seconds).reduce(0, +))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(run).writeAtomically(to: url(model, seed, "json"))
            runs.append(run)
        }

        var summaries: [ModelSummary] = []
        for (index, model) in models.enumerated() {
            var result: NetworkBenchmark.Result?
            if measuresInference {
                var benchmark = NetworkBenchmark(options: try options(model, seeds[0]))
                benchmarkSettings(&benchmark)
                let cache = BenchmarkCache(url: runsDirectory.appendingPathComponent("\(model.rawValue)-benchmark.json"), benchmark: benchmark)
                result = cache.result
                events(.benchmarking(model: model, index: index, total: models.count, cached: result != nil))
                if result == nil {
                    result = benchmark.run(name: model.rawValue)
                    try cache.store(result!)
                }
            }
            var summary = ModelSummary(runs: runs.filter { $0.model == model }, benchmark: result)
            if let (folder, boxes) = localisationBoxes {
                events(.localising(model: model, index: index, total: models.count))
                summary.localisation = try localisation(of: model, folder: folder, boxes: boxes)
            }
            summaries.append(summary)
        }
        return ComparisonReport(command: command, machine: Self.machine, data: data, trainingImages: training.count,
                                validationImages: validation.count, classes: classNames, epochs: plannedOptions[0].epochs, seeds: seeds,
                                models: summaries, runs: runs, findings: ComparisonReport.findings(summaries, runs: runs))
    }

    /// The maps of `model`'s first-seed run scored against the tight boxes; nil when its
    /// weights are not here (a run reused from its record alone).
    private func localisation(of model: ModelConfiguration.Kind, folder: String, boxes: String) throws -> LocalisationReport? {
        let weights = url(model, seeds[0], "safetensors")
        guard FileManager.default.fileExists(atPath: weights.path) else { return nil }
        return try LocalisationReport.measure(try TrainedModel(contentsOf: weights), folder: folder, boxesPath: boxes, extent: .tight)
    }

    /// "Intel(R) Xeon(R) … , 2 cores, 2 threads, Linux".
    static var machine: String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Parallel.threadCount) threads"
    }
}
