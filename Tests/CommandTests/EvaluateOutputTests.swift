import ArgumentParser
import CBAMKit
import Foundation
import XCTest
@testable import cbam

/// Issue 13: `cbam evaluate` on one class, --errors, and top-k never above the class count.
final class EvaluateOutputTests: XCTestCase {
    private func evaluate(_ arguments: [String]) throws -> String {
        var command = try CBAM.parseAsRoot(["evaluate"] + arguments)
        return try capturingStandardOutput { try command.run() }
    }

    func testOneClassFolderIsEvaluated() throws {
        let fixture = try XCTUnwrap(TrainedFixture.shared)
        let single = fixture.root.appendingPathComponent("only-red-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: single, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture.images.appendingPathComponent("red"), to: single.appendingPathComponent("red"))
        let json = try evaluate([single.path, "--model", fixture.model.path, "--json"])
        let report = try JSONDecoder().decode(ClassificationReport.self, from: Data(json.utf8))
        XCTAssertEqual(report.count, 6)
        XCTAssertEqual(report.perClass.first { $0.name == "red" }?.support, 6)
        XCTAssertEqual(report.perClass.first { $0.name == "blue" }?.support, 0)
        XCTAssertNil(report.errors, "listed only when asked")

        // The class's own folder, named as the class, is the same set.
        let own = try evaluate([single.appendingPathComponent("red").path, "--model", fixture.model.path, "--json"])
        XCTAssertEqual(try JSONDecoder().decode(ClassificationReport.self, from: Data(own.utf8)), report)
        var unknown = try CBAM.parseAsRoot(["evaluate", fixture.root.path, "--model", fixture.model.path])
        XCTAssertThrowsError(try silencingStandardOutput { try unknown.run() }, "a folder of folders that are not classes")
    }

    func testErrorsListEveryMisclassifiedFileWithItsPredictions() throws {
        let fixture = try XCTUnwrap(TrainedFixture.shared)
        // An untrained network gets some of them wrong, whichever.
        let untrained = fixture.root.appendingPathComponent("untrained-\(UUID().uuidString).safetensors")
        let trained = try TrainedModel(contentsOf: fixture.model)
        try ModelFile.save(trained.configuration.makeModel(seed: 5), metadata: trained.metadata, to: untrained)

        let json = try evaluate([fixture.images.path, "--model", untrained.path, "--errors", "--json", "--top-k", "9"])
        let report = try JSONDecoder().decode(ClassificationReport.self, from: Data(json.utf8))
        let errors = try XCTUnwrap(report.errors)
        let correct = report.confusion.indices.reduce(0) { $0 + report.confusion[$1][$1] }
        XCTAssertEqual(errors.count, report.count - correct)
        XCTAssertEqual(report.topK, 2)
        for error in errors {
            XCTAssertEqual(URL(fileURLWithPath: error.file).deletingLastPathComponent().lastPathComponent, error.label, "the true class is the folder")
            XCTAssertNotEqual(error.predictions[0].label, error.label)
            XCTAssertEqual(error.predictions.count, 2)
        }

        let text = try evaluate([fixture.images.path, "--model", untrained.path, "--errors"])
        XCTAssertTrue(text.contains("top-2 "), text)
        XCTAssertFalse(text.contains("top-5"), text)
        XCTAssertTrue(text.contains("misclassified: \(errors.count) of 12 images"), text)
        for error in errors { XCTAssertTrue(text.contains("  \(error.file)  \(error.label) → \(error.predictions[0].label) "), text) }
    }

    /// The training line says top-2 for two classes (the Trainer records the k it used).
    func testTheTrainingLineSaysTheTopKItMeasured() throws {
        let line = #"{"epoch": 1, "train_loss": 0.5, "train_accuracy": 0.8, "val_loss": 0.4, "val_accuracy": 0.9, "val_top_k": 2, "#
            + #""val_top5_accuracy": 1, "learning_rate": 0.1, "train_images_per_s": 100, "seconds": 1}"#
        var record = try JSONDecoder().decode(EpochRecord.self, from: Data(line.utf8))
        XCTAssertTrue(TrainingMessages.validation(record).hasSuffix("top-2 100.00%"), TrainingMessages.validation(record))
        XCTAssertTrue(try jsonLine(record).contains(#""val_top_k":2"#), "the log keeps the k")
        record.validationTopK = nil
        XCTAssertTrue(TrainingMessages.validation(record).contains("top-5"), "logs before the k was recorded meant 5")
    }
}
