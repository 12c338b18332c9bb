import ArgumentParser
import XCTest
@testable import cbam
import CBAMKit
import ImageCodecs

/// Issue 13 through the command: defaults chosen from the folder, --plot, a resumed run
/// extended with --epochs and the options it cannot apply named, and a bar that fits.
final class TrainDefaultsCommandTests: TemporaryFolderTestCase {
    func testAPhotoFolderTrainsAResNet18ChosenFromTheDataAndPlotsItsCurves() throws {
        let images = folder.appendingPathComponent("photos")
        try PhotoFolder.write(to: images)
        let model = folder.appendingPathComponent("m.safetensors").path, plot = folder.appendingPathComponent("curves.png").path
        var train = try CBAM.parseAsRoot(["train", images.path, "--width", "4", "--epochs", "1", "--val-split", "0.2",
                                          "--out", model, "--plot", plot])
        try silencingStandardOutput { try train.run() }
        let trained = try TrainedModel(contentsOf: URL(fileURLWithPath: model))
        XCTAssertEqual(trained.configuration.architecture, DataDefaults.photoArchitecture, "median shorter side 80 px: photos")
        XCTAssertEqual(trained.configuration.imageSize, 64, "80 px photos hold a 64 px crop (R = 73)")
        XCTAssertEqual(trained.metadata.transform, .photo)
        let curves = try Image(contentsOf: plot)
        XCTAssertGreaterThan(curves.height, curves.width, "loss above accuracy")
        XCTAssertThrowsError(try CBAM.parseAsRoot(["train", images.path, "--plot", "curves.jpg"]))
    }

    func testAResumedRunExtendsToMoreEpochsAndNamesWhatItIgnores() throws {
        let images = folder.appendingPathComponent("photos")
        try PhotoFolder.write(to: images, perClass: 5)
        let model = folder.appendingPathComponent("m.safetensors").path, checkpoint = folder.appendingPathComponent("m.checkpoint.safetensors").path
        var train = try CBAM.parseAsRoot(["train", images.path, "--arch", "resnet-small", "--image-size", "16", "--width", "4",
                                          "--epochs", "1", "--batch-size", "4", "--val-split", "0.2", "--out", model])
        try silencingStandardOutput { try train.run() }
        XCTAssertEqual(try Checkpoint.load(URL(fileURLWithPath: checkpoint)).state.history.count, 1)

        let resume = try XCTUnwrap(try CBAM.parseAsRoot(["train", images.path, "--resume", checkpoint, "--epochs", "2", "--lr", "0.5",
                                                         "--batch-size", "4", "--patience", "3"]) as? Train)
        let run = try Checkpoint.load(URL(fileURLWithPath: checkpoint)).state.options
        XCTAssertEqual(resume.setup.ignoredOnResume(run, model: resume.model, seed: resume.seed, balance: resume.balance),
                       ["--lr 0.5 (the run's: 0.1)"], "the same --batch-size is no change; --epochs and --patience apply")
        var extended: ParsableCommand = resume
        try silencingStandardOutput { try extended.run() }
        let state = try Checkpoint.load(URL(fileURLWithPath: checkpoint)).state
        XCTAssertEqual(state.options.epochs, 2)
        XCTAssertEqual(state.options.patience, 3)
        XCTAssertEqual(state.history.map(\.epoch), [1, 2])
        XCTAssertEqual(state.options.learningRate, 0.1, "--lr is ignored, not applied")

        var shorter = try CBAM.parseAsRoot(["train", images.path, "--resume", checkpoint, "--epochs", "1"])
        XCTAssertThrowsError(try silencingStandardOutput { try shorter.run() }) { error in
            XCTAssertTrue(CBAM.message(for: error).contains("--epochs"), CBAM.message(for: error))
        }
    }

    func testATestSplitThatChoosesTheEpochIsCalledOptimistic() throws {
        try PhotoFolder.write(to: folder.appendingPathComponent("train"), perClass: 4)
        try PhotoFolder.write(to: folder.appendingPathComponent("test"), perClass: 2, seed: 9)
        var train = try CBAM.parseAsRoot(["train", folder.path, "--arch", "resnet-small", "--image-size", "16", "--width", "4",
                                          "--epochs", "1", "--out", folder.appendingPathComponent("m.safetensors").path])
        let printed = try capturingStandardOutput { try train.run() }
        XCTAssertTrue(printed.contains("Best test/ accuracy (optimistic: test/ chose the epoch)"), printed)
    }

    func testTheBarFitsTheTerminalWidth() {
        let detail = "ETA total 1:02:03  loss 0.4321  acc 87.50%  123 img/s"
        let wide = ProgressBar.line(done: 3, total: 10, prefix: "epoch 1/15", detail: detail, barWidth: 24, columns: 200)
        XCTAssertTrue(wide.contains("[#######.................] 3/10"), wide)
        XCTAssertTrue(wide.hasSuffix("123 img/s"))
        for columns in [80, 60, 30, 5, 1] {
            let line = ProgressBar.line(done: 3, total: 10, prefix: "epoch 1/15", detail: detail, barWidth: 24, columns: columns)
            XCTAssertLessThanOrEqual(line.count, max(columns - 1, 1), "never wraps at \(columns) columns")
        }
        XCTAssertTrue(ProgressBar.line(done: 3, total: 10, prefix: "epoch 1/15", detail: detail, barWidth: 24, columns: 60)
            .contains("ETA total 1:02:03"), "at 60 columns the ETA still shows")
        XCTAssertEqual(ProgressBar.line(done: 1, total: 2, prefix: "p", detail: "d", barWidth: 4, columns: nil), "p [##..] 1/2  d")
    }
}

/// "Interrupted in …" and "Resuming …" name a run's place with one function: the same numbers.
final class TrainingPositionTests: XCTestCase {
    func testInterruptedAndResumingNameThePlaceAlike() {
        var state = TrainingState(options: TrainingOptions.defaults(for: ModelConfiguration()))
        state.epoch = 2
        state.batch = 12
        XCTAssertEqual(TrainingMessages.position(state, batchesPerEpoch: 40), "epoch 3 after batch 12 of 40")
    }
}
