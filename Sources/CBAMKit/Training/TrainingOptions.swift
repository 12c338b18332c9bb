/// Everything that decides a training run's result. Stored in its checkpoints, so a
/// resumed run continues with exactly the options it started with.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public enum OptimizerKind: String, Codable, CaseIterable, Sendable { case sgd, adamw }

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
    /// Weights, data order and augmentation all follow from it.
    public var seed: UInt64

    /// The documented defaults for a model: CNNs train with SGD (Nesterov momentum 0.9,
    /// learning rate 0.1 at batch 128, weight decay 5e-4) as the ResNet papers do; the
    /// ViT with AdamW (1e-3, weight decay 0.05) and a longer warm-up, as ViTs need.
    /// Both decay by a half cosine after the warm-up.
    public static func defaults(for model: ModelConfiguration, epochs: Int = 15, flip: Bool = true,
                                seed: UInt64 = 0) -> TrainingOptions {
        let augmentation = Augmentation.standard(imageSize: model.imageSize, flip: flip)
        switch model.architecture {
        case .resnetSmall:
            return TrainingOptions(model: model, epochs: epochs, batchSize: 128, optimizer: .sgd, learningRate: 0.1,
                                   warmupEpochs: 1, weightDecay: 5e-4, momentum: 0.9, labelSmoothing: 0.1,
                                   augmentation: augmentation, seed: seed)
        case .vitTiny:
            return TrainingOptions(model: model, epochs: epochs, batchSize: 128, optimizer: .adamw, learningRate: 1e-3,
                                   warmupEpochs: min(3, max(epochs / 5, 1)), weightDecay: 0.05, momentum: 0.9,
                                   labelSmoothing: 0.1, augmentation: augmentation, seed: seed)
        }
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
