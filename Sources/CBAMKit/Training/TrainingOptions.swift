import Foundation
import OneDNN

/// Everything that decides a training run's result. Stored in its checkpoints, so a
/// resumed run continues with exactly the options it started with. The defaults live
/// here and nowhere else; the command line reads them from here.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
        case sgd, adamw

        /// The documented learning rate: 0.1 at batch 128 for SGD, as the ResNet papers; 1e-3 for AdamW.
        public var defaultLearningRate: Float { self == .sgd ? 0.1 : 1e-3 }
        /// 5e-4 for SGD, 0.05 for AdamW (decoupled), as ViTs train.
        public var defaultWeightDecay: Float { self == .sgd ? 5e-4 : 0.05 }
        /// Fine-tuning (`--init`) starts from trained weights: a tenth of the rate, 0.01 and 1e-4.
        public var defaultFineTuningLearningRate: Float { defaultLearningRate / 10 }

        public func defaultLearningRate(fineTuning: Bool) -> Float {
            fineTuning ? defaultFineTuningLearningRate : defaultLearningRate
        }
    }

    public static let defaultEpochs = 15
    public static let defaultBatchSize = 128
    public static let defaultLabelSmoothing: Float = 0.1
    public static let defaultMomentum: Float = 0.9

    public var model: ModelConfiguration
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: OptimizerKind
    /// Peak learning rate, reached after the warm-up; then a half cosine to zero.
    public var learningRate: Float
    public var warmupEpochs: Int
    public var weightDecay: Float
    /// SGD's (Nesterov) momentum.
    public var momentum: Float
    public var labelSmoothing: Float
    public var augmentation: Augmentation
    /// How images become the input, in training and afterwards (the model file stores it).
    public var transform: ImageTransform
    /// Weights, data order and augmentation all follow from it.
    public var seed: UInt64
    /// Fine-tuning: the model file the weights started from (its name, for the record);
    /// nil for a run from the seed's weights.
    public var initialisedFrom: String?
    /// Fine-tuning: the first N of the network's stages (`ModelConfiguration.stageNames`) keep their weights.
    public var frozenStages = 0
    /// Draw every class equally often (`--balance`): weighted sampling with replacement.
    public var balance = false
    /// Stop after this many epochs without a better validation accuracy (`--patience`); nil: never.
    public var patience: Int?
    /// The arithmetic of the convolutions and matrix products (`--precision`); weights stay fp32.
    public var precision = Precision.fp32

    public var isFineTuning: Bool { initialisedFrom != nil }

    public init(model: ModelConfiguration, epochs: Int, batchSize: Int, optimizer: OptimizerKind, learningRate: Float,
                warmupEpochs: Int, weightDecay: Float, momentum: Float, labelSmoothing: Float, augmentation: Augmentation,
                transform: ImageTransform? = nil, seed: UInt64) {
        self.model = model; self.epochs = epochs; self.batchSize = batchSize; self.optimizer = optimizer
        self.learningRate = learningRate; self.warmupEpochs = warmupEpochs; self.weightDecay = weightDecay
        self.momentum = momentum; self.labelSmoothing = labelSmoothing; self.augmentation = augmentation
        self.transform = transform ?? .default(imageSize: model.imageSize); self.seed = seed
    }

    private enum CodingKeys: String, CodingKey {
        case model, epochs, batchSize, optimizer, learningRate, warmupEpochs, weightDecay, momentum, labelSmoothing,
             augmentation, transform, seed, initialisedFrom, frozenStages, balance, patience, precision
    }

    /// Checkpoints written before the transform existed trained with `fitWhole`; before
    /// `balance`, `patience` and `precision`, without them (in fp32).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(model: c.decode(ModelConfiguration.self, forKey: .model), epochs: c.decode(Int.self, forKey: .epochs),
                      batchSize: c.decode(Int.self, forKey: .batchSize), optimizer: c.decode(OptimizerKind.self, forKey: .optimizer),
                      learningRate: c.decode(Float.self, forKey: .learningRate),
                      warmupEpochs: c.decode(Int.self, forKey: .warmupEpochs), weightDecay: c.decode(Float.self, forKey: .weightDecay),
                      momentum: c.decode(Float.self, forKey: .momentum), labelSmoothing: c.decode(Float.self, forKey: .labelSmoothing),
                      augmentation: c.decode(Augmentation.self, forKey: .augmentation),
                      transform: c.decodeIfPresent(ImageTransform.self, forKey: .transform) ?? .fitWhole,
                      seed: c.decode(UInt64.self, forKey: .seed))
        initialisedFrom = try c.decodeIfPresent(String.self, forKey: .initialisedFrom)
        frozenStages = try c.decodeIfPresent(Int.self, forKey: .frozenStages) ?? 0
        balance = try c.decodeIfPresent(Bool.self, forKey: .balance) ?? false
        patience = try c.decodeIfPresent(Int.self, forKey: .patience)
        precision = try c.decodeIfPresent(Precision.self, forKey: .precision) ?? .fp32
    }

    /// Fine-tuning from the model file named `file`, with its documented learning rate.
    public mutating func fineTune(from file: String, freezing stages: Int) {
        initialisedFrom = file
        frozenStages = stages
        learningRate = optimizer.defaultFineTuningLearningRate
    }

    /// The documented defaults for a model: CNNs train with SGD (Nesterov momentum 0.9,
    /// learning rate 0.1 at batch 128, weight decay 5e-4) as the ResNet papers do; the
    /// ViT with AdamW (1e-3, weight decay 0.05) and a longer warm-up, as ViTs need.
    /// Both decay by a half cosine after the warm-up.
    public static func defaults(for model: ModelConfiguration, epochs: Int = defaultEpochs, flip: Bool = true,
                                seed: UInt64 = 0) -> TrainingOptions {
        let optimizer: OptimizerKind = model.architecture == .vitTiny ? .adamw : .sgd
        return TrainingOptions(model: model, epochs: epochs, batchSize: defaultBatchSize, optimizer: optimizer,
                               learningRate: optimizer.defaultLearningRate,
                               warmupEpochs: defaultWarmupEpochs(for: model, epochs: epochs),
                               weightDecay: optimizer.defaultWeightDecay, momentum: defaultMomentum,
                               labelSmoothing: defaultLabelSmoothing,
                               augmentation: .standard(imageSize: model.imageSize, flip: flip), seed: seed)
    }

    /// SGD's learning rate for a batch other than the default: linear scaling (Goyal et al.,
    /// 2017), 0.1 × batch/128. `train` uses it when it chooses a smaller batch from the data:
    /// at batch 16, 0.1 made ResNet-18 on 108 photos diverge for epochs.
    public static func scaledLearningRate(batchSize: Int) -> Float {
        OptimizerKind.sgd.defaultLearningRate * Float(batchSize) / Float(defaultBatchSize)
    }

    /// One epoch for the CNNs; for the ViT a fifth of the run, between 1 and 3 epochs.
    public static func defaultWarmupEpochs(for model: ModelConfiguration, epochs: Int) -> Int {
        model.architecture == .vitTiny ? min(3, max(epochs / 5, 1)) : 1
    }

    /// Switches the optimiser, with its own documented learning rate and weight decay.
    public mutating func use(_ optimizer: OptimizerKind) {
        guard optimizer != self.optimizer else { return }
        self.optimizer = optimizer
        learningRate = optimizer.defaultLearningRate(fineTuning: isFineTuning)
        weightDecay = optimizer.defaultWeightDecay
    }

    public func makeOptimizer() -> Optimizer {
        switch optimizer {
        case .sgd: return SGD(learningRate: learningRate, momentum: momentum, nesterov: momentum > 0, weightDecay: weightDecay)
        case .adamw: return AdamW(learningRate: learningRate, weightDecay: weightDecay)
        }
    }

    public func schedule(stepsPerEpoch: Int) -> LearningRateSchedule {
        .cosine(base: learningRate, warmupSteps: warmupEpochs * stepsPerEpoch, totalSteps: epochs * stepsPerEpoch)
    }
}

// MARK: - Bounds

extension TrainingOptions {
    /// An option outside its bounds, named as the command line names it.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let option: String
        public let reason: String
        public var description: String { "\(option): \(reason)" }
    }

    public enum Limits {
        public static let epochs = 1...100_000
        public static let batchSize = 2...65_536
    }

    /// Checks the model's configuration, then every training option and the memory the
    /// batch needs; throws `ModelConfiguration.Invalid` or `Invalid`.
    public func validate() throws {
        try model.validate()
        func require(_ condition: Bool, _ option: String, _ reason: String) throws {
            if !condition { throw Invalid(option: option, reason: reason) }
        }
        try require(Limits.epochs.contains(epochs), "--epochs", "\(epochs) is outside \(Limits.epochs.lowerBound)–\(Limits.epochs.upperBound)")
        try require(Limits.batchSize.contains(batchSize), "--batch-size",
                    "\(batchSize) is outside \(Limits.batchSize.lowerBound)–\(Limits.batchSize.upperBound) (BatchNorm needs at least 2)")
        try require(learningRate.isFinite && learningRate > 0, "--lr", "\(learningRate) is not a positive number")
        try require(weightDecay.isFinite && weightDecay >= 0, "--weight-decay", "\(weightDecay) is not a number ≥ 0")
        try require(momentum.isFinite && momentum >= 0 && momentum < 1, "--momentum", "\(momentum) is outside [0, 1)")
        try require(labelSmoothing.isFinite && labelSmoothing >= 0 && labelSmoothing < 1, "--label-smoothing",
                    "\(labelSmoothing) is outside [0, 1)")
        try require((0...epochs).contains(warmupEpochs), "--warmup-epochs", "\(warmupEpochs) is outside 0–\(epochs) (the run's epochs)")
        try require((0...model.stageCount).contains(frozenStages), "--freeze",
                    "\(frozenStages) is outside 0–\(model.stageCount) (this network's stages: \(model.stageNames.joined(separator: ", ")))")
        try require(patience.map { Limits.epochs.contains($0) } ?? true, "--patience",
                    "\(patience ?? 0) is outside \(Limits.epochs.lowerBound)–\(Limits.epochs.upperBound)")
        try require(frozenStages == 0 || isFineTuning, "--freeze", "keeps trained weights fixed; it needs --init MODEL")
        try require((0...model.imageSize).contains(augmentation.padding), "--crop-padding",
                    "\(augmentation.padding) is outside 0–\(model.imageSize) (the image size)")
        try require(augmentation.colourJitter.isFinite && (0...1).contains(augmentation.colourJitter), "--colour-jitter",
                    "\(augmentation.colourJitter) is outside [0, 1]")
        try require(augmentation.colourJitter == 0 || transform == .photo, "--colour-jitter",
                    "jitters photos only; add --transform photo (the default above \(ImageTransform.largestSmallImage) pixels)")
        let available = AvailableMemory.bytes
        let needed = estimatedPeakBytes(batchSize: batchSize)
        if needed > available {
            let fits = largestBatch(within: available)
            throw Invalid(option: "--batch-size", reason: "\(batchSize) images of \(model.name) at \(model.imageSize) px need about "
                          + "\(Self.gigabytes(needed)) GB (estimated peak), more than the \(Self.gigabytes(available)) GB available; "
                          + (fits >= Limits.batchSize.lowerBound ? "the largest batch that fits is about \(fits)"
                                                                 : "lower the image size or the width"))
        }
    }
}

// MARK: - Memory

extension TrainingOptions {
    /// Training's peak memory at `batchSize`: the activations the network keeps for
    /// backward (`ModelConfiguration.activationBytesPerImage`), the input batch, and per
    /// parameter its value, gradient and up to two optimiser slots.
    public func estimatedPeakBytes(batchSize: Int) -> Double {
        let input = Double(model.channels * model.imageSize * model.imageSize) * 4
        return Double(batchSize) * (model.activationBytesPerImage + input) + Double(model.parameterCount) * 4 * 4
    }

    /// The largest batch whose estimated peak is within `bytes` (0 when none is).
    public func largestBatch(within bytes: Double) -> Int {
        let perImage = estimatedPeakBytes(batchSize: 1) - estimatedPeakBytes(batchSize: 0)
        return max(Int((bytes - estimatedPeakBytes(batchSize: 0)) / perImage), 0)
    }

    static func gigabytes(_ bytes: Double) -> String { String(format: "%.1f", bytes / 1_073_741_824) }
}
