import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs

/// `cbam train DIR`: a folder of class sub-folders → a model file.
struct Train: ParsableCommand {
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
            would have. A resumed run writes where it started (NAME.safetensors beside \
            NAME.checkpoint.safetensors): another --out is refused.
            Defaults: CNNs train with SGD (Nesterov momentum 0.9, lr 0.1, weight decay 5e-4), the \
            ViT with AdamW (lr 1e-3, weight decay 0.05); both warm up, then follow a half cosine; \
            label smoothing 0.1; random crop with padding and horizontal flip.
            """)

    @Argument(help: "The image folder.") var directory: String
    @Option(help: "plain, se, cbam or vit.") var model: ModelConfiguration.Kind = .cbam
    @Option(help: "Passes over the training images.") var epochs = 15
    @Option(name: .customLong("batch-size"), help: "Images per step.") var batchSize = 128
    @Option(help: "Peak learning rate (default: 0.1 for sgd, 1e-3 for adamw).") var lr: Float?
    @Option(help: "sgd or adamw (default: sgd for CNNs, adamw for the ViT).") var optimizer: TrainingOptions.OptimizerKind?
    @Option(name: .customLong("weight-decay"), help: "Weight decay (default: 5e-4 for sgd, 0.05 for adamw).") var weightDecay: Float?
    @Option(name: .customLong("warmup-epochs"), help: "Epochs of linear warm-up.") var warmupEpochs: Int?
    @Option(name: .customLong("label-smoothing"), help: "Label smoothing ε.") var labelSmoothing: Float = 0.1
    @Option(name: .customLong("image-size"), help: "Images are resized to S×S.") var imageSize = 32
    @Option(help: "1 (grey) or 3 (RGB); default: 1 when every training image is grey, else 3.") var channels: Int?
    @Option(help: "ResNet base width w, or the ViT's dimension d (default 32 / 96).") var width: Int?
    @Option(help: "Blocks per ResNet stage, or ViT encoder blocks (default 1 / 4).") var depth: Int?
    @Option(help: "SE/CBAM reduction r.") var reduction = 8
    @Option(name: .customLong("patch-size"), help: "ViT patch side p.") var patchSize = 4
    @Option(help: "ViT attention heads.") var heads = 4
    @Option(help: "Seed of the weights, the split, the data order and the augmentation.") var seed: UInt64 = 0
    @Option(name: .customLong("val-split"), help: "Share of each class held out when DIR has no train/ + val/ folders.") var valSplit = 0.1
    @Flag(name: .customLong("no-flip"), help: "No horizontal flips (for data where a flip changes the class).") var noFlip = false
    @Option(name: .customLong("crop-padding"), help: "Random crops come from the image padded by this many pixels (default S/8, rounded up).") var cropPadding: Int?
    @Option(name: .customLong("cache-mb"), help: "Keep decoded images in memory up to this size; beyond it they are decoded each epoch.") var cacheMB = 2048
    @Option(help: "Where to write the best model (default: <folder>-<model>.safetensors in the working directory).") var out: String?
    @Flag(help: "Replace an existing model file and checkpoint at --out.") var force = false
    @Option(help: "Continue from a checkpoint (.checkpoint.safetensors), with the options it started with.") var resume: String?
    @Option(help: "Write one JSON object per epoch to this file.") var log: String?

    func validate() throws {
        if let channels, channels != 1 && channels != 3 { throw ValidationError("--channels must be 1 or 3") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard batchSize >= 2 else { throw ValidationError("--batch-size must be at least 2 (BatchNorm needs a batch)") }
        guard imageSize >= 8 else { throw ValidationError("--image-size must be at least 8") }
        guard valSplit >= 0 && valSplit < 1 else { throw ValidationError("--val-split must be in [0, 1)") }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive") }
        if let cropPadding, cropPadding < 0 { throw ValidationError("--crop-padding must not be negative") }
        guard cacheMB >= 0 else { throw ValidationError("--cache-mb must not be negative") }
    }

    func run() throws {
        let resumed = try resume.map { try Checkpoint.load(URL(fileURLWithPath: $0)) }
        // Where the run writes, checked before any work.
        let outputs = try resume.map { try TrainingOutputs(resuming: URL(fileURLWithPath: $0), out: out, log: log) }
            ?? TrainingOutputs(newRunOn: directory, kind: model, out: out, log: log, force: force)
        // A resumed run keeps its own options: the data split and sizes come from the checkpoint.
        let seed = resumed?.state.options.seed ?? seed
        let data = try TrainingData(directory: directory, validationShare: valSplit, seed: seed,
                                    imageSize: resumed?.metadata.imageSize ?? imageSize,
                                    channels: resumed?.metadata.channels ?? channels, cacheMB: cacheMB)
        let (split, training, validation) = (data.split, data.training, data.validation)

        let modelURL = outputs.model
        let trainer: Trainer
        if let resume {
            trainer = try Trainer(resuming: URL(fileURLWithPath: resume), classNames: split.classNames, training: training,
                                  validation: validation, modelURL: modelURL, logURL: log.map(URL.init(fileURLWithPath:)))
            StandardError.line("Resuming at epoch \(trainer.state.epoch + 1), batch \(trainer.state.batch + 1), with the options the run started with")
        } else {
            trainer = try Trainer(options: try options(channels: training.channels, classes: split.classNames.count),
                                  classNames: split.classNames, training: training, validation: validation,
                                  modelURL: modelURL, logURL: log.map(URL.init(fileURLWithPath:)))
        }
        let o = trainer.options
        StandardError.line("Training \(o.model.kind.rawValue) (\(trainer.network.parameterCount) parameters, \(o.model.channels)×\(o.model.imageSize)×\(o.model.imageSize)) for \(o.epochs) epochs, batch \(o.batchSize), \(o.optimizer.rawValue) lr \(o.learningRate), seed \(o.seed)")

        InterruptFlag.shared.install(message: "Stopping after this batch and writing a checkpoint (Ctrl-C again to quit at once)…")
        var progress = TrainingProgress(epochs: o.epochs, batchSize: o.batchSize, batchesPerEpoch: trainer.batchesPerEpoch,
                                        startEpoch: trainer.state.epoch, startBatch: trainer.state.batch)
        let outcome = try trainer.run(events: { progress.report($0) }, shouldStop: { InterruptFlag.shared.isRaised })
        progress.finish()
        data.reportSkipped()
        switch outcome {
        case .interrupted:
            print("Interrupted at epoch \(trainer.state.epoch + 1), batch \(trainer.state.batch). Resume with:")
            print("  cbam train \(directory) --resume \(trainer.checkpointURL.path)\(out == nil ? "" : " --out \(modelURL.path)")\(log.map { " --log \($0)" } ?? "")")
            throw ExitCode(130)
        case .finished:
            print(TrainingMessages.finished(trainer))
        }
    }

    private func options(channels: Int, classes: Int) throws -> TrainingOptions {
        var configuration = ModelConfiguration(kind: model, channels: channels, imageSize: imageSize, classes: classes)
        if let width { configuration.width = width }
        if let depth { configuration.depth = depth }
        configuration.reduction = reduction
        configuration.patchSize = patchSize
        configuration.heads = heads
        try configuration.validate { ValidationError($0) }
        var options = TrainingOptions.defaults(for: configuration, epochs: epochs, flip: !noFlip, seed: seed)
        options.batchSize = batchSize
        options.labelSmoothing = labelSmoothing
        if let cropPadding { options.augmentation.padding = cropPadding }
        if let optimizer, optimizer != options.optimizer {
            options.optimizer = optimizer
            // The other optimiser's documented defaults, unless given.
            options.learningRate = optimizer == .sgd ? 0.1 : 1e-3
            options.weightDecay = optimizer == .sgd ? 5e-4 : 0.05
        }
        if let lr { options.learningRate = lr }
        if let weightDecay { options.weightDecay = weightDecay }
        if let warmupEpochs { options.warmupEpochs = warmupEpochs }
        return options
    }
}

extension ModelConfiguration.Kind: ExpressibleByArgument {}
extension TrainingOptions.OptimizerKind: ExpressibleByArgument {}

/// The training run on stderr: a live bar on a terminal, and a line per epoch.
struct TrainingProgress {
    let epochs: Int
    let batchSize: Int
    private var bar = ProgressBar()
    private let totalBatches: Int
    private var batchesDone: Int

    init(epochs: Int, batchSize: Int, batchesPerEpoch: Int, startEpoch: Int, startBatch: Int) {
        self.epochs = epochs
        self.batchSize = batchSize
        totalBatches = epochs * batchesPerEpoch
        batchesDone = startEpoch * batchesPerEpoch + startBatch
    }

    mutating func report(_ event: TrainingEvent) {
        switch event {
        case let .batch(epoch, batch, batches, loss, accuracy, imagesPerSecond):
            batchesDone += 1
            // Training time only: validation adds a little per epoch.
            let remaining = Double((totalBatches - batchesDone) * batchSize) / max(imagesPerSecond, 1e-9)
            bar.update(done: batch, total: batches, prefix: "epoch \(epoch + 1)/\(epochs)",
                       detail: String(format: "loss %.4f  acc ", loss) + percent(accuracy)
                           + String(format: "  %.0f img/s  ETA ", imagesPerSecond) + formatDuration(remaining))
        case let .epoch(record, isBest):
            bar.clear()
            StandardError.line("epoch \(record.epoch)/\(epochs)  train loss \(fixed(record.trainLoss, 4)) acc \(percent(record.trainAccuracy))"
                               + TrainingMessages.validation(record) + "  \(fixed(record.trainImagesPerSecond, 0)) img/s"
                               + "  \(formatDuration(record.seconds))\(isBest ? "  (best, saved)" : "")")
        }
    }

    mutating func finish() { bar.clear() }
}
