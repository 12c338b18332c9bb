import ArgumentParser
import CBAMKit

/// The option groups that decide a run, turned into `TrainingOptions` and checked by
/// the library's one set of rules (`TrainingOptions.validate`).
struct TrainingSetup {
    var input: InputOptions
    var size: ModelSizeOptions
    var optimizer: OptimizerOptions
    var data: DataOptions?
    var precision: PrecisionChoice

    /// Validated options for one model; a bad value is a usage error naming its option.
    func options(_ kind: ModelConfiguration.Kind, epochs: Int, seed: UInt64, channels: Int, classes: Int) throws -> TrainingOptions {
        let configuration = try size.configuration(kind, input: input, channels: channels, classes: classes)
        return try completed(TrainingOptions.defaults(for: configuration, epochs: epochs, seed: seed))
    }

    /// Validated options for fine-tuning `startingModel`'s network on `classes` classes,
    /// at --image-size if given; the network's sizes come from the file.
    func options(fineTuning startingModel: StartingModel, freeze: Int, epochs: Int, seed: UInt64, classes: Int) throws -> TrainingOptions {
        let configuration = try startingModel.configuration(classes: classes, imageSize: input.requestedImageSize)
        var options = TrainingOptions.defaults(for: configuration, epochs: epochs, seed: seed)
        options.fineTune(from: startingModel.fileName, freezing: freeze)
        return try completed(options)
    }

    /// The optimiser and data options applied to `options`, then checked.
    private func completed(_ options: TrainingOptions) throws -> TrainingOptions {
        var options = options
        optimizer.apply(to: &options)
        data?.apply(to: &options)
        options.precision = try precision.resolved()
        do { try options.validate() } catch { throw usageError(error) }
        return options
    }

    /// The setup with what `defaults` chose (from the data) for the options not given.
    func choosing(_ defaults: DataDefaults) -> TrainingSetup {
        var setup = self
        if setup.size.architecture == nil, let architecture = defaults.architecture { setup.size.architecture = architecture }
        if setup.input.requestedImageSize == nil { setup.input.requestedImageSize = defaults.imageSize }
        if setup.optimizer.batchSize == nil { setup.optimizer.batchSize = defaults.batchSize }
        if setup.optimizer.lr == nil, let learningRate = defaults.learningRate { setup.optimizer.lr = learningRate }
        return setup
    }

    /// What the user chose explicitly, for `DataDefaults.choose`.
    var given: DataDefaults.Given {
        DataDefaults.Given(architecture: size.architecture, imageSize: input.requestedImageSize, batchSize: optimizer.batchSize,
                           keepsSmallResNet: size.depth != nil, keepsLearningRate: optimizer.lr != nil || optimizer.optimizer != nil)
    }

    /// What --init makes meaningless (the file decides the network): the first such
    /// option given, by name.
    func networkOptionGiven(model: ModelConfiguration.Kind?) -> String? {
        let given: [(String, Bool)] = [("--model", model != nil), ("--arch", size.architecture != nil), ("--width", size.width != nil),
                                       ("--depth", size.depth != nil), ("--reduction", size.reduction != nil),
                                       ("--patch-size", size.patchSize != nil), ("--heads", size.heads != nil), ("--channels", input.channels != nil)]
        return given.first { $0.1 }?.0
    }

    /// Checks the options before any work, with the channels given (else RGB) and the
    /// fewest classes: what depends on the data is checked again once it is read.
    func check(_ kinds: [ModelConfiguration.Kind], epochs: Int) throws {
        for kind in kinds { _ = try options(kind, epochs: epochs, seed: 0, channels: input.channels ?? 3, classes: 2) }
    }
}

/// A bound broken by an option, as ArgumentParser's usage error (exit 64) naming the option.
func usageError(_ error: Error) -> Error {
    switch error {
    case let invalid as ModelConfiguration.Invalid:
        return ValidationError(invalid.field.map { "\($0.option): \(invalid.reason)" } ?? invalid.reason)
    case let invalid as TrainingOptions.Invalid:
        return ValidationError(invalid.description)
    default:
        return error
    }
}
