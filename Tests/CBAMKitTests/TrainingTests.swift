import XCTest
import ImageCodecs
import CBAMKit

/// `cbam train`'s job end to end on a tiny generated data set: it learns, the saved
/// model classifies and evaluates consistently, an interrupted run resumes to the
/// same weights, and damaged model files are clear errors.
final class TrainingTests: XCTestCase {
    private var data: SyntheticImageFolder!
    private var output: URL!

    override func setUpWithError() throws {
        data = try SyntheticImageFolder(perClass: 16)
        output = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    }

    override func tearDown() {
        data.remove()
        try? FileManager.default.removeItem(at: output)
    }

    private func sets(validationShare: Double = 0.25) throws -> (DataSplit, ImageSet, ImageSet) {
        let split = try DataSplit(root: data.root.path, validationShare: validationShare, seed: 0)
        let training = ImageSet.load(split.training, imageSize: 12, channels: nil, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        let validation = ImageSet.load(split.validation, imageSize: 12, channels: 3, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        return (split, training, validation)
    }

    private func options(epochs: Int, kind: ModelConfiguration.Kind = .cbam) -> TrainingOptions {
        var model = ModelConfiguration(kind: kind, channels: 3, imageSize: 12, classes: 3)
        model.width = 4
        var options = TrainingOptions.defaults(for: model, epochs: epochs, seed: 5)
        options.batchSize = 12
        return options
    }

    private func trainer(_ options: TrainingOptions, name: String = "model", validationShare: Double = 0.25) throws -> Trainer {
        let (split, training, validation) = try sets(validationShare: validationShare)
        return try Trainer(options: options, classNames: split.classNames, training: training, validation: validation,
                           modelURL: output.appendingPathComponent("\(name).safetensors"),
                           logURL: output.appendingPathComponent("\(name).jsonl"))
    }

    func testTrainingLearnsAndTheSavedModelClassifiesAsEvaluated() throws {
        let trainer = try trainer(options(epochs: 8))
        XCTAssertEqual(trainer.preprocessing.channels, 3)
        var batches = 0
        XCTAssertEqual(try trainer.run(events: { if case .batch = $0 { batches += 1 } }), .finished)
        XCTAssertEqual(batches, 8 * 3)   // 36 training images in batches of 12
        let history = trainer.state.history
        XCTAssertEqual(history.count, 8)
        XCTAssertLessThan(history.last!.trainLoss, history.first!.trainLoss * 0.8)
        let best = history.compactMap(\.validationAccuracy).max()!
        XCTAssertGreaterThanOrEqual(best, 0.75, "chance is 1/3")

        // The log: one JSON object per epoch.
        let lines = try String(contentsOf: trainer.logURL!, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 8)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        XCTAssertEqual(first["epoch"] as? Int, 1)
        XCTAssertNotNil(first["val_accuracy"] as? Double)

        // The best model file: classify (one image at a time, from the files) and
        // evaluate (batched) agree image by image.
        let model = try TrainedModel(contentsOf: trainer.modelURL)
        XCTAssertEqual(model.classNames, SyntheticImageFolder.classNames)
        XCTAssertEqual(model.metadata.mean, trainer.metadata.mean)
        let (split, _, validation) = try sets()
        let report = try ClassificationReport.evaluate(
            model.network, on: Batches.evaluation(validation, preprocessing: model.preprocessing, batchSize: 5),
            classNames: model.classNames)
        XCTAssertEqual(report.accuracy, best, accuracy: 1e-9)
        var confusion = [[Int]](repeating: [0, 0, 0], count: 3)
        for file in split.validation {
            let probabilities = model.probabilities([try Image(contentsOf: file.path)])[0]
            XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-4)
            confusion[file.label][probabilities.indices.max { probabilities[$0] < probabilities[$1] }!] += 1
        }
        XCTAssertEqual(confusion, report.confusion)
        XCTAssertEqual(report.perClass.map(\.support), [4, 4, 4])
    }

    func testInterruptedRunResumesToTheSameWeights() throws {
        let options = options(epochs: 3)
        let uninterrupted = try trainer(options, name: "whole")
        XCTAssertEqual(try uninterrupted.run(), .finished)

        let interrupted = try trainer(options, name: "parts")
        var batches = 0
        XCTAssertEqual(try interrupted.run(events: { if case .batch = $0 { batches += 1 } }, shouldStop: { batches == 4 }),
                       .interrupted)
        XCTAssertEqual(interrupted.state.epoch, 1)
        XCTAssertEqual(interrupted.state.batch, 1)
        let (split, training, validation) = try sets()
        let resumed = try Trainer(resuming: interrupted.checkpointURL, classNames: split.classNames, training: training,
                                  validation: validation, modelURL: interrupted.modelURL, logURL: interrupted.logURL)
        XCTAssertEqual(resumed.state.batch, 1)
        XCTAssertEqual(try resumed.run(), .finished)

        XCTAssertEqual(resumed.network.state.map(\.key), uninterrupted.network.state.map(\.key))
        for (a, b) in zip(resumed.network.state, uninterrupted.network.state) {
            XCTAssertEqual(a.tensor.scalars, b.tensor.scalars, a.key)
        }
        XCTAssertEqual(resumed.state.history.map(\.validationAccuracy), uninterrupted.state.history.map(\.validationAccuracy))
        XCTAssertEqual(resumed.state.history.map(\.trainLoss), uninterrupted.state.history.map(\.trainLoss))
        XCTAssertEqual(try Data(contentsOf: resumed.logURL!).count > 0, true)
    }

    func testACheckpointClassifiesButAModelFileDoesNotResume() throws {
        let trainer = try trainer(options(epochs: 1))
        _ = try trainer.run()
        XCTAssertNoThrow(try TrainedModel(contentsOf: trainer.checkpointURL))
        XCTAssertThrowsError(try Checkpoint.load(trainer.modelURL)) { error in
            XCTAssertTrue("\(error)".hasPrefix("model.safetensors: is a model file, not a training checkpoint"), "\(error)")
        }
    }

    func testWrongOrTruncatedModelFilesAreClearErrors() throws {
        let trainer = try trainer(options(epochs: 1))
        _ = try trainer.run()
        let bytes = try Data(contentsOf: trainer.modelURL)
        let truncated = output.appendingPathComponent("truncated.safetensors")
        try bytes.prefix(bytes.count - 100).write(to: truncated)
        XCTAssertThrowsError(try TrainedModel(contentsOf: truncated)) { error in
            XCTAssertTrue("\(error)".hasPrefix("truncated.safetensors: "), "\(error)")
        }
        let image = output.appendingPathComponent("photo.safetensors")
        try Data(try Image(width: 2, height: 2, channels: 1).pngData()).write(to: image)
        XCTAssertThrowsError(try TrainedModel(contentsOf: image)) { error in
            XCTAssertTrue("\(error)".hasPrefix("photo.safetensors: "), "\(error)")
        }
        XCTAssertThrowsError(try TrainedModel(contentsOf: output.appendingPathComponent("missing.safetensors"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("missing.safetensors: "), "\(error)")
        }
    }

    func testNaNLossStopsWithAClearMessage() throws {
        var options = options(epochs: 2)
        options.learningRate = 1e30
        let trainer = try trainer(options)
        XCTAssertThrowsError(try trainer.run()) { error in
            XCTAssertTrue(error is TrainingError, "\(error)")
            XCTAssertTrue("\(error)".contains("try a lower --lr"), "\(error)")
            // Nothing was saved yet, and the message says so instead of naming files that do not exist.
            XCTAssertTrue("\(error)".hasSuffix("No file was written."), "\(error)")
            XCTAssertFalse("\(error)".contains(output.path), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output.path), [])
    }

    /// Weights that stop being finite numbers after a good epoch: nothing more is written (no
    /// NaN "best" model, no raw EncodingError), the last good files stay, and the message
    /// names exactly those.
    func testDivergenceKeepsTheLastGoodFilesAndNamesThem() throws {
        var options = options(epochs: 3)
        options.batchSize = 36   // one batch per epoch
        let trainer = try trainer(options)
        let weight = trainer.network.parameters[0].parameter.value
        XCTAssertThrowsError(try trainer.run(events: { event in
            if case .batch(epoch: 1, _, _, _, _, _) = event { weight.data[0] = .nan }
        })) { error in
            XCTAssertTrue(error is TrainingError, "\(type(of: error)): \(error)")
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("the weights stopped being finite numbers ('\(trainer.network.parameters[0].key)') at the end of epoch 2"), message)
            XCTAssertTrue(message.hasSuffix("The files written before it are kept: the best model (epoch 1) in \(trainer.modelURL.path); "
                                            + "the checkpoint in \(trainer.checkpointURL.path); the log in \(trainer.logURL!.path)."), message)
        }
        let kept = try TrainedModel(contentsOf: trainer.modelURL)   // refused if it held a NaN
        XCTAssertEqual(kept.metadata.extra["epoch"], "1")
        XCTAssertEqual(try Checkpoint.load(trainer.checkpointURL).state.epoch, 1)
        XCTAssertEqual(try String(contentsOf: trainer.logURL!, encoding: .utf8).split(separator: "\n").count, 1)
    }

    /// Without validation images nothing pretends to be measured: the log's validation
    /// fields are null, and the model kept is the last epoch's.
    func testWithoutValidationTheLastEpochIsKeptAndNothingIsMeasured() throws {
        let trainer = try trainer(options(epochs: 3), validationShare: 0)
        XCTAssertEqual(trainer.validation.count, 0)
        XCTAssertEqual(try trainer.run(), .finished)
        XCTAssertEqual(trainer.state.bestEpoch, 2)
        XCTAssertTrue(trainer.state.history.allSatisfy {
            $0.validationAccuracy == nil && $0.validationLoss == nil && $0.validationTopKAccuracy == nil
        })
        let lines = try String(contentsOf: trainer.logURL!, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        for line in lines {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in ["val_loss", "val_accuracy", "val_top5_accuracy"] {
                XCTAssertTrue(object[key] is NSNull, "\(key) in \(line)")
            }
            XCTAssertNotNil(object["train_loss"] as? Double)
        }
        let model = try TrainedModel(contentsOf: trainer.modelURL)
        XCTAssertEqual(model.metadata.extra["epoch"], "3")
        XCTAssertNil(model.metadata.extra["val_accuracy"])
        XCTAssertEqual(trainer.filesOnDisk.model, trainer.modelURL)
        // A checkpoint of such a run resumes (its history's nulls read back).
        XCTAssertEqual(try Checkpoint.load(trainer.checkpointURL).state.history, trainer.state.history)
    }

    /// A resumed run writes where it started; another model path is refused, so no message
    /// can name a file that is never written.
    func testAResumedRunWritesWhereItStarted() throws {
        let first = try trainer(options(epochs: 2))
        var batches = 0
        XCTAssertEqual(try first.run(events: { if case .batch = $0 { batches += 1 } }, shouldStop: { batches == 4 }), .interrupted)
        let (split, training, validation) = try sets()
        let elsewhere = output.appendingPathComponent("elsewhere.safetensors")
        XCTAssertThrowsError(try Trainer(resuming: first.checkpointURL, classNames: split.classNames, training: training,
                                         validation: validation, modelURL: elsewhere)) { error in
            XCTAssertEqual("\(error)", "model.checkpoint.safetensors: is not the checkpoint of \(elsewhere.path); a resumed run writes where it started")
        }
        XCTAssertThrowsError(try TrainingOutputs(resuming: first.checkpointURL, out: elsewhere.path, log: nil)) { error in
            XCTAssertEqual("\(error)", "--out \(elsewhere.path): a resumed run writes where it started, \(first.modelURL.path) (beside its checkpoint); leave out --out")
        }
        let outputs = try TrainingOutputs(resuming: first.checkpointURL, out: nil, log: nil)
        XCTAssertEqual(outputs.model.standardizedFileURL, first.modelURL.standardizedFileURL)
        XCTAssertEqual(outputs.checkpoint.standardizedFileURL, first.checkpointURL.standardizedFileURL)
        XCTAssertEqual(try TrainingOutputs(resuming: first.checkpointURL, out: output.path + "/./model.safetensors", log: nil).model,
                       outputs.model, "the same file by another path is accepted")

        let resumed = try Trainer(resuming: first.checkpointURL, classNames: split.classNames, training: training,
                                  validation: validation, modelURL: outputs.model)
        XCTAssertEqual(try resumed.run(), .finished)
        XCTAssertEqual(resumed.filesOnDisk.model?.standardizedFileURL, first.modelURL.standardizedFileURL)
        XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere.path))
    }
}
