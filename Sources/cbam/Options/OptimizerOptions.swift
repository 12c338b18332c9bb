import ArgumentParser
import CBAMKit

/// How a network trains: shared by train, compare and bench. Unset options keep
/// `TrainingOptions`' documented defaults for the model.
struct OptimizerOptions: ParsableArguments {
    @Option(help: "Images per step (default \(TrainingOptions.defaultBatchSize); train chooses it from the folder: see --help).") var batchSize: Int?
    @Option(help: "sgd or adamw (default: sgd for CNNs, adamw for the ViT).") var optimizer: TrainingOptions.OptimizerKind?
    @Option(help: "Peak learning rate (default: \(TrainingOptions.OptimizerKind.sgd.defaultLearningRate) for sgd, \(TrainingOptions.OptimizerKind.adamw.defaultLearningRate) for adamw).")
    var lr: Float?
    @Option(help: "Weight decay (default: \(TrainingOptions.OptimizerKind.sgd.defaultWeightDecay) for sgd, \(TrainingOptions.OptimizerKind.adamw.defaultWeightDecay) for adamw).")
    var weightDecay: Float?
    @Option(help: "Epochs of linear warm-up (default: 1 for CNNs; for the ViT a fifth of the run, 1 to 3).")
    var warmupEpochs: Int?
    @Option(help: "Label smoothing ε (default \(TrainingOptions.defaultLabelSmoothing)).") var labelSmoothing: Float?

    func apply(to options: inout TrainingOptions) {
        if let batchSize { options.batchSize = batchSize }
        if let labelSmoothing { options.labelSmoothing = labelSmoothing }
        if let optimizer { options.use(optimizer) }
        if let lr { options.learningRate = lr }
        if let weightDecay { options.weightDecay = weightDecay }
        if let warmupEpochs { options.warmupEpochs = warmupEpochs }
    }
}

extension TrainingOptions.OptimizerKind: ExpressibleByArgument {}
