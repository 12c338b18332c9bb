import Foundation

/// What a training run reports as it goes.
public enum TrainingEvent {
    /// After each batch: the epoch's running loss and accuracy so far.
    case batch(epoch: Int, batch: Int, batches: Int, loss: Double, accuracy: Double, imagesPerSecond: Double)
    /// After each epoch's validation; `isBest` when its model was saved as the best.
    case epoch(EpochRecord, isBest: Bool)
}

public enum TrainingOutcome: Equatable {
    case finished
    /// Stopped on request after a batch; the checkpoint holds the run.
    case interrupted
}

/// A run that cannot go on (the loss or the weights stopped being finite numbers), said
/// so the user can act on it, with the files the run kept.
public struct TrainingError: Error, CustomStringConvertible, LocalizedError {
    public let reason: String
    public var description: String { reason }
    public var errorDescription: String? { reason }
}

/// Trains a network on an ImageSet: batches prepared one ahead, SGD or AdamW on a
/// warm-up + cosine schedule, validation after each epoch, the best model and a
/// checkpoint written atomically, a JSON-lines log, and resumption from the
/// checkpoint that ends exactly where an uninterrupted run would have.
public final class Trainer {
    public let network: ImageClassifier
    public let optimizer: Optimizer
    public private(set) var state: TrainingState
    public let metadata: ModelMetadata
    public let training: ImageSet
    public let validation: ImageSet
    public let modelURL: URL
    public let checkpointURL: URL
    public let logURL: URL?
    public let parallel: DataParallel
    private var communicator: Communicator { parallel.communicator }

    public var options: TrainingOptions { state.options }
    public var preprocessing: Preprocessing { metadata.preprocessing }

    /// A new run: weights from the seed and normalisation from the training images, or,
    /// fine-tuning, both from `startingModel` (`options.model` must come from its
    /// `configuration(classes:imageSize:)`).
    public convenience init(options: TrainingOptions, classNames: [String], training: ImageSet, validation: ImageSet,
                            modelURL: URL, logURL: URL? = nil, startingFrom startingModel: StartingModel? = nil,
                            parallel: DataParallel = .singleProcess) throws {
        precondition(training.transform == options.transform && validation.transform == options.transform,
                     "the images were stored for another transform than the run's")
        let (mean, std) = try startingModel.map { ($0.metadata.mean, $0.metadata.std) } ?? training.channelStatistics()
        var metadata = ModelMetadata(configuration: options.model, classNames: classNames, mean: mean, std: std,
                                     transform: options.transform)
        var summary = TrainingSummary.run(training: training, validation: validation)
        summary.initialisedFrom = startingModel?.fileName
        metadata.extra.merge(summary.entries) { $1 }
        let network = try startingModel?.network(options.model, classNames: classNames, seed: options.seed)
            ?? options.model.makeModel(seed: options.seed)
        self.init(state: TrainingState(options: options), metadata: metadata, network: network,
                  optimizer: options.makeOptimizer(), training: training, validation: validation,
                  modelURL: modelURL, logURL: logURL, parallel: parallel)
    }

    /// A run continued from its checkpoint, with the options it started with. It writes
    /// where it started: `modelURL` must be the model the checkpoint is beside.
    public convenience init(resuming checkpoint: URL, classNames: [String], training: ImageSet, validation: ImageSet,
                            modelURL: URL, logURL: URL? = nil, parallel: DataParallel = .singleProcess) throws {
        let name = checkpoint.lastPathComponent
        guard OutputFiles.samePath(Checkpoint.url(forModel: modelURL), checkpoint) else {
            throw ModelFileError(file: name, reason: "is not the checkpoint of \(modelURL.path); a resumed run writes where it started")
        }
        let loaded = try Checkpoint.load(checkpoint)
        guard loaded.metadata.classNames == classNames else {
            throw ModelFileError(file: name, reason: "was trained on the classes \(loaded.metadata.classNames), the folder has \(classNames)")
        }
        let network = try ModelFile.build(loaded.state.options.model, loading: loaded.modelTensors, fileName: name)
        let optimizer = loaded.state.options.makeOptimizer()
        do { try optimizer.load(state: loaded.optimizerState) } catch {
            throw ModelFileError(file: name, reason: "\(error)")
        }
        self.init(state: loaded.state, metadata: loaded.metadata, network: network, optimizer: optimizer,
                  training: training, validation: validation, modelURL: modelURL, logURL: logURL, parallel: parallel)
        checkpointWritten = true
    }

    /// A resumed run's changes that keep it exact up to here: `epochs` re-plans the
    /// schedule (`TrainingState.extend(toEpochs:)`), `patience` (0: off) decides early stopping
    /// from the history. Throws `TrainingOptions.Invalid` naming the option.
    public func change(epochs: Int?, patience: Int?) throws {
        if let epochs, epochs != state.options.epochs { try state.extend(toEpochs: epochs) }
        if let patience {
            var changed = state
            changed.options.patience = patience == 0 ? nil : patience
            try changed.options.validate()
            state = changed
        }
    }

    private init(state: TrainingState, metadata: ModelMetadata, network: ImageClassifier, optimizer: Optimizer,
                 training: ImageSet, validation: ImageSet, modelURL: URL, logURL: URL?, parallel: DataParallel) {
        self.state = state
        self.metadata = metadata
        self.network = network
        self.optimizer = optimizer
        self.training = training
        self.validation = validation
        self.modelURL = modelURL
        network.frozenStages = state.options.frozenStages
        network.use(state.options.precision)
        checkpointURL = Checkpoint.url(forModel: modelURL)
        self.logURL = logURL
        self.parallel = parallel
        parallel.configure(network)
    }

    /// Seconds of training steps so far in this process, and the part of them this rank
    /// waited for the gradient and figure sums to arrive (none in a single process).
    public private(set) var stepSeconds = 0.0
    public var communicationSeconds: Double { communicator.secondsCommunicating }

    /// Whether this run (in this process or before it was resumed) wrote the checkpoint, and the log.
    private var checkpointWritten = false
    private var logWritten = false

    /// The files of this run that are on disk now: the best model once an epoch saved it,
    /// the last checkpoint and the log. A message names only these.
    public var filesOnDisk: (model: URL?, checkpoint: URL?, log: URL?) {
        func onDisk(_ url: URL?, _ written: Bool) -> URL? {
            url.flatMap { written && FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }
        }
        return (onDisk(modelURL, state.bestEpoch >= 0), onDisk(checkpointURL, checkpointWritten), onDisk(logURL, logWritten))
    }

    public var batchesPerEpoch: Int { Self.batchesPerEpoch(images: training.count, batchSize: options.batchSize) }

    /// Full batches only (the last partial one is dropped), and at least one.
    public static func batchesPerEpoch(images: Int, batchSize: Int) -> Int {
        max(images / max(min(batchSize, images), 1), 1)
    }

    /// Trains until the last epoch or until `shouldStop()` says so after a batch.
    public func run(events: (TrainingEvent) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> TrainingOutcome {
        let schedule = options.schedule(stepsPerEpoch: batchesPerEpoch)
        let lossFunction = SoftmaxCrossEntropy(labelSmoothing: options.labelSmoothing)
        let parameters = network.trainableParameters
        guard min(options.batchSize, training.count) >= communicator.size else {
            throw TrainingError(reason: "a batch of \(min(options.batchSize, training.count)) images cannot be shared by \(communicator.size) ranks: use a --batch-size of at least \(communicator.size)")
        }
        let buckets = communicator.isDistributed ? GradientBuckets(parameters.map(\.parameter), communicator: communicator) : nil
        while !state.isFinished {
            var batches = Batches.training(training, preprocessing: preprocessing, batchSize: options.batchSize,
                                           augmentation: options.augmentation, seed: options.seed, epoch: state.epoch,
                                           balanced: options.balance)
            batches.shard = communicator.shard
            let prefetcher = batches.prefetching(from: state.batch)
            var clock = Clock()
            while let batch = try prefetcher.nextItem() {
                optimizer.learningRate = schedule.learningRate(atStep: state.step)
                let logits = network.forward(batch.images, .training)
                // This rank's share of the global batch's mean loss: the ranks' gradients add up to its gradient.
                let (loss, gradient) = lossFunction(logits, labels: batch.labels, meanOver: batches.batchSize)
                // One small sum a step: the global batch's loss and hits.
                let figures = communicator.sum([Double(loss), Double(Self.correct(logits, batch.labels))])
                let (batchLoss, batchCorrect) = (figures[0], Int(figures[1]))
                guard batchLoss.isFinite else { throw diverged("the loss became \(Self.name(of: batchLoss))", batch: state.batch + 1) }
                network.backward(gradient, inputGradient: false, finished: { buckets?.finished($0) })
                buckets?.wait()
                optimizer.step(parameters)

                state.epochLossSum += batchLoss * Double(batches.batchSize)
                state.epochCorrect += batchCorrect
                state.epochSeen += batches.batchSize
                let seconds = clock.lap()
                state.epochSeconds += seconds
                stepSeconds += seconds
                state.batch += 1
                state.step += 1
                events(.batch(epoch: state.epoch, batch: state.batch, batches: batches.count,
                              loss: state.epochLossSum / Double(state.epochSeen),
                              accuracy: Double(state.epochCorrect) / Double(state.epochSeen),
                              imagesPerSecond: Double(state.epochSeen) / max(state.epochSeconds, 1e-9)))
                if anyRankAsksToStop(shouldStop) && state.batch < batches.count {
                    try saveCheckpoint()
                    return .interrupted
                }
            }
            try finishEpoch(events: events, clock: &clock)
            if anyRankAsksToStop(shouldStop) && !state.isFinished { return .interrupted }
        }
        return .finished
    }

    /// Whether `shouldStop()` says so on any rank: all ranks stop at the same batch.
    private func anyRankAsksToStop(_ shouldStop: () -> Bool) -> Bool {
        communicator.sum([shouldStop() ? 1 : 0])[0] > 0
    }

    /// Validates, records the epoch, saves the best model, the checkpoint and the log
    /// (nothing when the weights or the figures are no longer finite numbers). Without
    /// a validation set, every epoch's model is the best so far: the last one is kept.
    /// Ranks validate a shard each, on rank 0's weights and BatchNorm statistics.
    private func finishEpoch(events: (TrainingEvent) -> Void, clock: inout Clock) throws {
        // Rank 0's state is the one written: the others take it (their BatchNorm running
        // statistics are their own without --sync-batchnorm, and a sum need not round
        // alike on every rank), so that all validate and go on with the same model.
        for (_, tensor) in network.state { communicator.broadcast(tensor, from: 0) }
        let report = validation.count == 0 ? nil : try ClassificationReport.evaluate(
            network, on: Batches.evaluation(validation, preprocessing: preprocessing, batchSize: 256, shard: communicator.shard),
            classNames: metadata.classNames, across: communicator)
        let trainAccuracy = Double(state.epochCorrect) / Double(max(state.epochSeen, 1))
        let record = EpochRecord(
            epoch: state.epoch + 1, trainLoss: state.epochLossSum / Double(max(state.epochSeen, 1)),
            trainAccuracy: trainAccuracy, validationLoss: report?.loss,
            validationAccuracy: report?.accuracy, validationTopK: report?.topK, validationTopKAccuracy: report?.topKAccuracy,
            learningRate: Double(optimizer.learningRate),
            trainImagesPerSecond: Double(state.epochSeen) / max(state.epochSeconds, 1e-9),
            seconds: state.epochSeconds + clock.lap())
        try checkFinite(record)
        let isBest = report.map { $0.accuracy > state.bestValidationAccuracy } ?? true
        state.history.append(record)
        if isBest {
            if let report { state.bestValidationAccuracy = report.accuracy }
            state.bestEpoch = state.epoch
        }
        state.epoch += 1
        state.batch = 0
        state.epochLossSum = 0
        state.epochCorrect = 0
        state.epochSeen = 0
        state.epochSeconds = 0
        if isBest && communicator.isFirst {
            var best = metadata
            best.extra.merge(TrainingSummary.savedEpoch(record.epoch, of: options.epochs, validationAccuracy: report?.accuracy).entries) { $1 }
            try ModelFile.save(network, metadata: best, to: modelURL)
        }
        try saveCheckpoint()
        if communicator.isFirst { try writeLog() }
        events(.epoch(record, isBest: isBest))
    }

    /// Rank 0 writes; the others wait for it (without spinning), so that none races ahead.
    private func saveCheckpoint() throws {
        try checkFinite(nil)
        if communicator.isFirst {
            try Checkpoint.save(model: network, optimizer: optimizer, state: state, metadata: metadata, to: checkpointURL)
            checkpointWritten = true
        }
        communicator.waitForAll()
    }

    /// Throws before anything is written when the weights (or `record`'s figures) are not
    /// all finite: such a model classifies nothing, and JSON cannot hold NaN.
    private func checkFinite(_ record: EpochRecord?) throws {
        if let key = firstNonFiniteKey(network.state) {
            throw diverged("the weights stopped being finite numbers ('\(key)')", batch: nil)
        }
        if let figure = record?.firstNonFiniteFigure {
            throw diverged("the \(figure.name) became \(Self.name(of: figure.value))", batch: nil)
        }
    }

    /// "NaN", "infinite" or "-infinite".
    private static func name(of value: Double) -> String {
        value.isNaN ? "NaN" : value > 0 ? "infinite" : "-infinite"
    }

    /// The error for a run that diverged, naming only the files it kept.
    private func diverged(_ what: String, batch: Int?) -> TrainingError {
        let position = batch.map { "epoch \(state.epoch + 1), batch \($0)" } ?? "the end of epoch \(state.epoch + 1)"
        let files = filesOnDisk
        var kept: [String] = []
        if let model = files.model { kept.append("the best model (epoch \(state.bestEpoch + 1)) in \(model.path)") }
        if let checkpoint = files.checkpoint { kept.append("the checkpoint in \(checkpoint.path)") }
        if let log = files.log { kept.append("the log in \(log.path)") }
        let keptText = kept.isEmpty ? "No file was written." : "The files written before it are kept: " + kept.joined(separator: "; ") + "."
        return TrainingError(reason: "\(what) at \(position) (learning rate \(optimizer.learningRate)); try a lower --lr. \(keptText)")
    }

    /// The whole log, one JSON object per finished epoch, rewritten atomically.
    private func writeLog() throws {
        guard let logURL else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var text = ""
        for record in state.history { text += String(decoding: try encoder.encode(record), as: UTF8.self) + "\n" }
        try Data(text.utf8).writeAtomically(to: logURL)
        logWritten = true
    }

    /// Rows whose largest logit is the label's.
    static func correct(_ logits: Tensor, _ labels: [Int]) -> Int {
        labels.enumerated().reduce(0) { count, item in
            let row = logits.row(item.offset)
            return count + (row.indices.max { row[$0] < row[$1] } == item.element ? 1 : 0)
        }
    }
}

/// Seconds between laps.
struct Clock {
    private var last = DispatchTime.now().uptimeNanoseconds

    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }
}
