/// One finished epoch: what the log and the progress line report.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    public var validationTopKAccuracy: Double
    public var learningRate: Double
    public var trainImagesPerSecond: Double
    /// Wall time of the epoch, training and validation.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, seconds
        case trainLoss = "train_loss", trainAccuracy = "train_accuracy", validationLoss = "val_loss"
        case validationAccuracy = "val_accuracy", validationTopKAccuracy = "val_top5_accuracy"
        case learningRate = "learning_rate", trainImagesPerSecond = "train_images_per_s"
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

    public var isFinished: Bool { epoch >= options.epochs }
}
