import ArgumentParser
import CBAMKit

/// The option groups that decide a run, turned into `TrainingOptions` and checked by
/// the library's one set of rules (`TrainingOptions.validate`).
struct TrainingSetup {
    var input: InputOptions
    var size: ModelSizeOptions
    var optimizer: OptimizerOptions
    var data: DataOptions?

    /// Validated options for one model; a bad value is a usage error naming its option.
    func options(_ kind: ModelConfiguration.Kind, epochs: Int, seed: UInt64, channels: Int, classes: Int) throws -> TrainingOptions {
        let configuration = try size.configuration(kind, input: input, channels: channels, classes: classes)
        var options = TrainingOptions.defaults(for: configuration, epochs: epochs, seed: seed)
        optimizer.apply(to: &options)
        data?.apply(to: &options)
        do { try options.validate() } catch { throw usageError(error) }
        return options
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
