import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs
import OneDNN

/// `cbam train DIR`: a folder of class sub-folders → a model file.
struct Train: ParsableCommand {
    private static let (sgd, adamw) = (TrainingOptions.OptimizerKind.sgd, TrainingOptions.OptimizerKind.adamw)
    static let configuration = CommandConfiguration(
        abstract: "Train a classifier on a folder of class sub-folders (root/<class>/<image>).",
        discussion: """
            Classes are the sorted sub-folder names; images (PNG or JPEG, recognised by their \
            bytes) may sit anywhere below their class folder. When DIR has train/ and val/ (or \
            test/) sub-folders they are the split; otherwise --val-split of each class is held \
            out (seeded). The best model by validation accuracy (without validation images, the \
            last epoch's) is written to --out, and after every epoch a checkpoint beside it \
            (NAME.checkpoint.safetensors); an existing model file or checkpoint there is not \
            replaced without --force. Ctrl-C finishes the current batch, writes the checkpoint and \
            exits; --resume CHECKPOINT continues the run and ends where an uninterrupted run \
            would have; with --epochs N it continues to N epochs (the cosine re-planned to end \
            there), and other options given that differ from the run's are named as ignored. A \
            resumed run writes where it started (NAME.safetensors beside \
            NAME.checkpoint.safetensors): another --out is refused.
            From the data: what --arch, --image-size, --batch-size and --lr leave open is chosen \
            from the training images' headers and counts, and said on one line: photos (median \
            shorter side above \(DataDefaults.largestSmallImage) px) train \(DataDefaults.photoArchitecture.rawValue) at up to \(DataDefaults.photoImageSize) px, \
            smaller images resnet-small at their size; the batch is the largest power of two up to \
            \(TrainingOptions.defaultBatchSize) that gives \(DataDefaults.targetStepsPerEpoch) steps per epoch (at least \(DataDefaults.smallestBatch)) and fits the memory, \
            SGD's lr then 0.1 × batch/\(TrainingOptions.defaultBatchSize). It warns of fewer steps and of classes over \
            \(Int(DataDefaults.imbalanceRatio))× apart (--balance draws them equally often).
            Fine-tuning: --init MODEL starts from a model file's network and weights (its \
            normalisation too; a new classifier head unless the folder's classes are the file's), \
            at the file's image size unless --image-size says otherwise (CNNs only), with a tenth of \
            the learning rate (sgd \(sgd.defaultFineTuningLearningRate), adamw \(adamw.defaultFineTuningLearningRate)); \
            --freeze N keeps the first N stages (the stem, then layer1, layer2, …; the ViT's patch \
            embedding, then its blocks) as they are, BatchNorm statistics included.
            Under mpirun (Open MPI) every rank trains on its share of each batch of \
            --batch-size images and the gradients are summed; rank 0 alone prints and writes \
            files; each rank computes with the CPUs it is bound to. --sync-batchnorm makes \
            BatchNorm use the whole batch's statistics.
            Defaults: CNNs train with SGD (Nesterov momentum \(TrainingOptions.defaultMomentum), lr \(sgd.defaultLearningRate), \
            weight decay \(sgd.defaultWeightDecay)), the ViT with AdamW (lr \(adamw.defaultLearningRate), weight decay \
            \(adamw.defaultWeightDecay)); both warm up, then follow a half cosine; label smoothing \
            \(TrainingOptions.defaultLabelSmoothing); random crop with padding and horizontal flip.

            Examples:
              cbam train Datasets/sample/fashion-mnist --image-size 28 --epochs 30
              cbam train pets --arch resnet18 --image-size 160 --batch-size 32 --out pets-cbam.safetensors
              cbam train pets --init resnet50-cbam.safetensors --freeze 2 --epochs 10
              cbam train photos --patience 5 --plot curves.png      # defaults from the data, early stopping, curves
              cbam train photos --resume photos-cbam.checkpoint.safetensors --epochs 30
            """)

    @Argument(help: "The image folder.") var directory: String
    @Option(help: "plain, se, cbam or vit (default: cbam).") var model: ModelConfiguration.Kind?
    @Option(help: "Passes over the training images (default \(TrainingOptions.defaultEpochs)); with --resume, continue the run to this many.")
    var epochs: Int?
    @Option(help: "Seed of the weights, the split, the data order and the augmentation (default 0).") var seed: UInt64?
    @OptionGroup(title: "Input") var input: InputOptions
    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model size") var size: ModelSizeOptions
    @OptionGroup(title: "Optimiser") var optimizer: OptimizerOptions
    @Flag(help: "Draw every class equally often (weighted sampling with replacement), for imbalanced folders.") var balance = false
    @Option(help: "Stop after N epochs without a better validation accuracy, keeping the best model (default: run every epoch).")
    var patience: Int?
    @Option(help: "Where to write the best model (default: <folder>-<model>.safetensors in the working directory).") var out: String?
    @Flag(help: "Replace an existing model file and checkpoint at --out.") var force = false
    @Option(help: "Continue from a checkpoint (.checkpoint.safetensors) with the options it started with; --epochs and --patience apply (default: a new run).") var resume: String?
    @Option(help: "Write one JSON object per epoch to this file (default: no log).") var log: String?
    @Option(help: "Write the loss and accuracy curves (training and validation, by epoch) to this PNG file when the run ends (default: no plot).") var plot: String?
    @Option(name: .customLong("init"), help: "Fine-tune: start from this model file's network and weights (default: a new network from the seed).") var initialModel: String?
    @Option(help: "With --init: keep the first N stages of the network fixed (default 0: train them all).") var freeze = 0

    /// The network to train when no file decides it.
    var kind: ModelConfiguration.Kind { model ?? .cbam }
    @Flag(help: "Under mpirun: BatchNorm statistics over the whole batch, not each rank's share.") var syncBatchnorm = false

    @Option(help: PrecisionChoice.help(default: .auto)) var precision = PrecisionChoice.auto

    var setup: TrainingSetup { TrainingSetup(input: input, size: size, optimizer: optimizer, data: data, precision: precision) }

    func validate() throws {
        if let plot, !plot.lowercased().hasSuffix(".png") { throw ValidationError("--plot: \(plot) is not a .png file name") }
        if let patience, !TrainingOptions.Limits.epochs.contains(patience) {
            throw ValidationError("--patience: \(patience) is outside \(TrainingOptions.Limits.epochs.lowerBound)–\(TrainingOptions.Limits.epochs.upperBound)")
        }
        if resume != nil {
            if let epochs, !TrainingOptions.Limits.epochs.contains(epochs) {
                throw ValidationError("--epochs: \(epochs) is outside \(TrainingOptions.Limits.epochs.lowerBound)–\(TrainingOptions.Limits.epochs.upperBound)")
            }
            if initialModel != nil { throw ValidationError("--init: a resumed run continues from its checkpoint; leave --init out") }
            return
        }
        guard let initialModel else {
            guard freeze == 0 else { throw ValidationError("--freeze: keeps trained weights fixed; it needs --init MODEL") }
            return try setup.check([kind], epochs: epochs ?? TrainingOptions.defaultEpochs)
        }
        if let option = setup.networkOptionGiven(model: model) {
            throw ValidationError("\(option): with --init the network comes from \(initialModel); leave \(option) out")
        }
    }

    func run() throws {
        let communicator = try MPICommunicator.forThisProcess()
        StandardError.isQuiet = !communicator.isFirst
        let threads = ThreadsPerRank.apply(communicator)
        if communicator.isDistributed {
            StandardError.line("Data-parallel: \(communicator.size) ranks × \(threads) thread\(threads == 1 ? "" : "s") (rank 0's)\(syncBatchnorm ? ", sync BatchNorm" : "")")
        }
        let parallel = DataParallel(communicator, syncBatchNorm: syncBatchnorm)
        let resumed = try resume.map { try Checkpoint.load(URL(fileURLWithPath: $0)) }
        // Where the run writes, checked before any work.
        let startingModel = try initialModel.map { try StartingModel(contentsOf: URL(fileURLWithPath: $0)) }
        let outputs = try resume.map { try TrainingOutputs(resuming: URL(fileURLWithPath: $0), out: out, log: log) }
            ?? TrainingOutputs(newRunOn: directory, kind: startingModel?.metadata.configuration.kind ?? kind, out: out, log: log, force: force)
        // A resumed run keeps its own options: the data split and sizes come from the checkpoint;
        // a fine-tuned one takes the network's input from its starting model; a new run
        // chooses what was not given from the folder.
        let seed = resumed?.state.options.seed ?? seed ?? 0
        let split = try TrainingData.split(directory, options: data, seed: seed)
        var setup = setup
        if resumed == nil && startingModel == nil, let folder = FolderSummary(split) {
            let defaults = DataDefaults.choose(for: folder, kind: kind, given: setup.given, availableBytes: AvailableMemory.bytes)
            setup = setup.choosing(defaults)
            if let summary = defaults.summary { StandardError.line(summary) }
        }
        let imageSize = resumed?.metadata.configuration.imageSize ?? setup.input.requestedImageSize
            ?? startingModel?.metadata.configuration.imageSize ?? setup.input.imageSize
        let data = try TrainingData(split: split, directory: directory, options: self.data, imageSize: imageSize,
                                    transform: resumed?.state.options.transform ?? self.data.transform(imageSize: imageSize),
                                    channels: resumed?.metadata.configuration.channels
                                        ?? startingModel?.metadata.configuration.channels ?? input.channels)
        let (training, validation) = (data.training, data.validation)

        let modelURL = outputs.model
        let trainer: Trainer
        if let resume, let resumed {
            trainer = try Trainer(resuming: URL(fileURLWithPath: resume), classNames: split.classNames, training: training,
                                  validation: validation, modelURL: modelURL, logURL: log.map(URL.init(fileURLWithPath:)),
                                  parallel: parallel)
            try announceResume(trainer, checkpoint: resumed.state.options, setup: setup)
        } else {
            let classes = split.classNames.count, epochs = epochs ?? TrainingOptions.defaultEpochs
            var options = try startingModel.map { try setup.options(fineTuning: $0, freeze: freeze, epochs: epochs, seed: seed, classes: classes) }
                ?? setup.options(kind, epochs: epochs, seed: seed, channels: training.channels, classes: classes)
            options.balance = balance
            options.patience = patience
            if precision == .auto {
                let chosen = options.precision
                options.precision = parallel.agreed(chosen)
                if options.precision != chosen { StandardError.line("auto: not every rank chose bf16 (each timed its own probe); all ranks train in fp32") }
            }
            trainer = try Trainer(options: options,
                                  classNames: split.classNames, training: training, validation: validation,
                                  modelURL: modelURL, logURL: log.map(URL.init(fileURLWithPath:)), startingFrom: startingModel,
                                  parallel: parallel)
            if let startingModel { StandardError.line(TrainingMessages.fineTuning(startingModel, options: options, classNames: split.classNames)) }
            for warning in DataDefaults.warnings(images: training.count, batchSize: options.batchSize, epochs: options.epochs,
                                                 classNames: split.classNames, classCounts: training.classCounts(classes: classes),
                                                 balanced: balance) {
                StandardError.line("warning: " + warning)
            }
        }
        let o = trainer.options
        StandardError.line("Training \(o.model.name) (\(trainer.network.parameterCount) parameters, \(o.model.channels)×\(o.model.imageSize)×\(o.model.imageSize)) for \(counted(o.epochs, "epoch")), batch \(o.batchSize) (\(trainer.batchesPerEpoch) steps per epoch), \(o.optimizer.rawValue) lr \(o.learningRate), seed \(o.seed), \(resumed == nil ? precision.described(o.precision) : o.precision.rawValue), \(counted(Parallel.threadCount, "thread"))"
                           + (o.balance ? ", classes balanced" : "") + (o.patience.map { ", patience \($0)" } ?? ""))

        InterruptFlag.shared.install(message: "Stopping after this batch and writing a checkpoint (Ctrl-C again to quit at once)…")
        var progress = TrainingProgress(epochs: o.epochs, batchesPerEpoch: trainer.batchesPerEpoch,
                                        startEpoch: trainer.state.epoch, startBatch: trainer.state.batch)
        let outcome = try trainer.run(events: { progress.report($0) }, shouldStop: { InterruptFlag.shared.isRaised })
        progress.finish()
        data.reportSkipped()
        if communicator.isDistributed {
            StandardError.line(TrainingMessages.communication(trainer))
        }
        communicator.finish()
        guard communicator.isFirst else { throw outcome == .finished ? ExitCode.success : ExitCode(130) }
        if let plot, !trainer.state.history.isEmpty {
            try TrainingCurvesFigure.write(trainer.state.history, title: "\(o.model.name) on \(directory)", to: plot)
            StandardError.line("curves written to \(plot)")
        }
        switch outcome {
        case .interrupted:
            print("Interrupted in \(TrainingMessages.position(trainer.state, batchesPerEpoch: trainer.batchesPerEpoch)). Resume with:")
            print("  cbam train \(directory) --resume \(trainer.checkpointURL.path)\(out == nil ? "" : " --out \(modelURL.path)")\(log.map { " --log \($0)" } ?? "")")
            throw ExitCode(130)
        case .finished:
            print(TrainingMessages.finished(trainer, heldOut: split.heldOutFolder))
        }
    }

    /// Says where a resumed run continues, applies --epochs and --patience (saying how the
    /// schedule changes) and names the options given that it cannot apply.
    private func announceResume(_ trainer: Trainer, checkpoint: TrainingOptions, setup: TrainingSetup) throws {
        let state = trainer.state
        StandardError.line("Resuming \(TrainingMessages.position(state, batchesPerEpoch: trainer.batchesPerEpoch)), with the options the run started with")
        do { try trainer.change(epochs: epochs, patience: patience) } catch { throw usageError(error) }
        if trainer.options.epochs != checkpoint.epochs {
            StandardError.line(TrainingMessages.extended(from: checkpoint, to: trainer.options, step: state.step,
                                                         stepsPerEpoch: trainer.batchesPerEpoch))
        }
        if let patience, patience != (checkpoint.patience ?? 0) { StandardError.line("Applied: --patience \(patience)") }
        if trainer.state.isFinished && !trainer.state.stoppedEarly {
            StandardError.line("The run had finished its \(counted(trainer.options.epochs, "epoch")); --epochs N (more) continues it")
        }
        let ignored = setup.ignoredOnResume(checkpoint, model: model, seed: seed, balance: balance)
        if !ignored.isEmpty {
            StandardError.line("Ignored (a resumed run keeps the options it started with): " + ignored.joined(separator: ", "))
        }
    }
}

extension ModelConfiguration.Kind: ExpressibleByArgument {}

/// The training run on stderr: a live bar on a terminal, and a line per epoch. The
/// ETA is for the whole run: the steady-state time per batch (`RemainingTime`) times the
/// batches left, plus the last validation's time for each epoch left.
struct TrainingProgress {
    let epochs: Int
    let batchesPerEpoch: Int
    private var bar = ProgressBar()
    private var remaining = RemainingTime()
    private var batchesDone: Int
    private var lastBatchTime: Double?
    private var validationSeconds = 0.0

    init(epochs: Int, batchesPerEpoch: Int, startEpoch: Int, startBatch: Int) {
        self.epochs = epochs
        self.batchesPerEpoch = batchesPerEpoch
        batchesDone = startEpoch * batchesPerEpoch + startBatch
    }

    mutating func report(_ event: TrainingEvent) {
        switch event {
        case let .batch(epoch, batch, batches, loss, accuracy, imagesPerSecond):
            batchesDone += 1
            let now = RemainingTime.now
            remaining.batchFinished(at: now)
            lastBatchTime = now
            let batchesLeft = epochs * batchesPerEpoch - batchesDone
            let eta = remaining.seconds(forBatches: batchesLeft, extraSeconds: validationSeconds * Double(epochs - epoch))
            bar.update(done: batch, total: batches, prefix: "epoch \(epoch + 1)/\(epochs)",
                       // The ETA first: a narrow terminal cuts the end of the line.
                       detail: "ETA total \(eta.map(formatDuration) ?? "…")  " + String(format: "loss %.4f  acc ", loss) + percent(accuracy)
                           + String(format: "  %.0f img/s", imagesPerSecond))
        case let .epoch(record, isBest):
            if let lastBatchTime { validationSeconds = RemainingTime.now - lastBatchTime }
            bar.clear()
            StandardError.line("epoch \(record.epoch)/\(epochs)  train loss \(fixed(record.trainLoss, 4)) acc \(percent(record.trainAccuracy))"
                               + TrainingMessages.validation(record) + "  \(fixed(record.trainImagesPerSecond, 0)) img/s"
                               + "  \(formatDuration(record.seconds))\(isBest ? "  (best, saved)" : "")")
        }
    }

    mutating func finish() { bar.clear() }
}
