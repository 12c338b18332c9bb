/// One finished epoch: what the log and the progress line report. The validation
/// figures are nil when the run has no validation images (null in the log).
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// The k of `validationTopKAccuracy`: 5, or the class count when there are fewer
    /// (nil in logs written before it was recorded, which meant 5).
    public var validationTopK: Int?
    public var validationTopKAccuracy: Double?
    public var learningRate: Double
    public var trainImagesPerSecond: Double
    /// Wall time of the epoch, training and validation.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, seconds
        case trainLoss = "train_loss", trainAccuracy = "train_accuracy", validationLoss = "val_loss"
        case validationAccuracy = "val_accuracy", validationTopKAccuracy = "val_top5_accuracy"
        case validationTopK = "val_top_k"
        case learningRate = "learning_rate", trainImagesPerSecond = "train_images_per_s"
    }

    /// Every key, validation figures as null when there are none (not left out).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(epoch, forKey: .epoch)
        try container.encode(validationTopK, forKey: .validationTopK)
        for (key, value) in figures { try container.encode(value, forKey: key) }
    }

    /// The figures in a fixed order, nil where there is none.
    private var figures: [(key: CodingKeys, value: Double?)] {
        [(.trainLoss, trainLoss), (.trainAccuracy, trainAccuracy), (.validationLoss, validationLoss),
         (.validationAccuracy, validationAccuracy), (.validationTopKAccuracy, validationTopKAccuracy),
         (.learningRate, learningRate), (.trainImagesPerSecond, trainImagesPerSecond), (.seconds, seconds)]
    }

    /// The first figure that is NaN or infinite (JSON cannot hold it), by its log name.
    var firstNonFiniteFigure: (name: String, value: Double)? {
        for (key, value) in figures {
            if let value, !value.isFinite { return (key.stringValue, value) }
        }
        return nil
    }
}

/// Where a run is: enough, with the weights and the optimiser's state, to resume it
/// and end exactly where an uninterrupted run would have.
public struct TrainingState: Codable, Equatable, Sendable {
    public var options: TrainingOptions
    /// The epoch under way (0-based) and the next batch in it.
    public var epoch = 0
    public var batch = 0
    /// Batches done since the start: the learning-rate schedule's position.
    public var step = 0
    /// Sums over the epoch's batches so far (the running loss and accuracy).
    public var epochLossSum = 0.0
    public var epochCorrect = 0
    public var epochSeen = 0
    public var epochSeconds = 0.0
    public var bestValidationAccuracy = -1.0
    public var bestEpoch = -1
    public var history: [EpochRecord] = []

    public init(options: TrainingOptions) { self.options = options }

    public var isFinished: Bool { epoch >= options.epochs || stoppedEarly }

    /// Finished epochs since the best one (0 when the last was the best, or without validation).
    public var epochsWithoutImprovement: Int { bestEpoch < 0 ? 0 : epoch - 1 - bestEpoch }

    /// `--patience N`: N epochs in a row brought no better validation accuracy. Computed
    /// from the history, so a resumed run with another --patience decides again.
    public var stoppedEarly: Bool {
        guard let patience = options.patience, bestValidationAccuracy >= 0 else { return false }
        return epochsWithoutImprovement >= patience && epoch < options.epochs
    }

    /// Continues the run to `epochs` epochs in all (more or fewer than planned, beyond those
    /// finished): the warm-up stays, and the half cosine is re-planned to end at the new
    /// last epoch, so from the current step on the learning rate is the one a run planned
    /// for `epochs` from the start would have there (it jumps up when a finished run is extended).
    public mutating func extend(toEpochs epochs: Int) throws {
        guard epochs > epoch || (epochs == epoch && batch == 0) else {
            throw TrainingOptions.Invalid(option: "--epochs", reason: "\(epochs) is not beyond the \(epoch) epoch\(epoch == 1 ? "" : "s") the checkpoint has finished")
        }
        var options = self.options
        options.epochs = epochs
        try options.validate()
        self.options = options
    }
}
