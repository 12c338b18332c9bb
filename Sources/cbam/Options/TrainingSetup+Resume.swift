import CBAMKit

/// A resumed run keeps the options it started with, except the ones that change only
/// what is still to come (`--epochs`, `--patience`, `--log`: applied). Every other option
/// given beside `--resume` that differs from the run's is named as ignored, never dropped silently.
extension TrainingSetup {
    /// The given options that differ from `run`'s: "--lr 0.05 (the run's: 0.1)".
    func ignoredOnResume(_ run: TrainingOptions, model: ModelConfiguration.Kind?, seed: UInt64?, balance: Bool) -> [String] {
        var ignored: [String] = []
        func compare<T: Equatable>(_ option: String, _ given: T?, _ actual: T, _ text: (T) -> String = { "\($0)" }) {
            if let given, given != actual { ignored.append("\(option) \(text(given)) (the run's: \(text(actual)))") }
        }
        let m = run.model
        compare("--model", model, m.kind, \.rawValue)
        compare("--arch", size.architecture, m.architecture, \.rawValue)
        compare("--width", size.width, m.width)
        compare("--depth", size.depth, m.depth)
        compare("--reduction", size.reduction, m.reduction)
        compare("--patch-size", size.patchSize, m.patchSize)
        compare("--heads", size.heads, m.heads)
        compare("--image-size", input.requestedImageSize, m.imageSize)
        compare("--channels", input.channels, m.channels)
        compare("--seed", seed, run.seed)
        compare("--batch-size", optimizer.batchSize, run.batchSize)
        compare("--optimizer", optimizer.optimizer, run.optimizer, \.rawValue)
        compare("--lr", optimizer.lr, run.learningRate)
        compare("--weight-decay", optimizer.weightDecay, run.weightDecay)
        compare("--warmup-epochs", optimizer.warmupEpochs, run.warmupEpochs)
        compare("--label-smoothing", optimizer.labelSmoothing, run.labelSmoothing)
        compare("--transform", data?.transform, run.transform, \.rawValue)
        compare("--colour-jitter", data?.colourJitter, run.augmentation.colourJitter)
        compare("--crop-padding", data?.cropPadding, run.augmentation.padding)
        if data?.noFlip == true && run.augmentation.flip { ignored.append("--no-flip (the run flips)") }
        if balance && !run.balance { ignored.append("--balance (the run samples images uniformly)") }
        return ignored
    }
}
