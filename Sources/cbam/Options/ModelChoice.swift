import ArgumentParser
import CBAMKit
import Foundation

/// `--model FILE`, shared by the commands that run a trained model: the file given, or
/// the shipped model (`CBAM_MODEL`, or `Models/` beside the executable).
struct ModelChoice: ParsableArguments {
    @Option(help: ArgumentHelp("The model file (default: the shipped Fashion-MNIST model, Models/\(ShippedModel.fileName), or $\(ShippedModel.environmentVariable)).",
                               valueName: "file"))
    var model: String?
    @Option(help: PrecisionChoice.help(default: .fp32)) var precision = PrecisionChoice.fp32

    init() {}

    /// A model file named another way (`cbam info MODEL`'s argument).
    init(file: String?) { model = file }

    /// The file to read; without --model, an error that says where the shipped model was looked for.
    func url() throws -> URL {
        try model.map { URL(fileURLWithPath: $0) } ?? ShippedModel.locate()
    }

    /// The model, read and checked.
    func load() throws -> TrainedModel {
        let trained = try TrainedModel(contentsOf: url())
        trained.network.use(try precision.resolved())
        return trained
    }
}
