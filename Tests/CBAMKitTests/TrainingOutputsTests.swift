import XCTest
import CBAMKit

/// Where `cbam train` writes, decided and checked before any work: no model file is
/// replaced unless asked, the shipped model never by default, and a destination that
/// cannot be written is refused at once.
final class TrainingOutputsTests: XCTestCase {
    private func folder() throws -> URL { try FileTestSupport.temporaryFolder(for: self) }

    private func newRun(_ working: URL, out: String? = nil, log: String? = nil, force: Bool = false,
                        shipped: URL? = nil) throws -> TrainingOutputs {
        try TrainingOutputs(newRunOn: "/data/fashion-mnist/", kind: .cbam, out: out, log: log, force: force,
                            workingDirectory: working, shippedModel: shipped ?? working.appendingPathComponent("none"))
    }

    func testTheDefaultOutputIsInTheWorkingDirectoryAndNeverReplaced() throws {
        let working = try folder()
        XCTAssertEqual(TrainingOutputs.defaultModelName(directory: "/data/fashion-mnist/", kind: .cbam), "fashion-mnist-cbam.safetensors")
        let model = working.appendingPathComponent("fashion-mnist-cbam.safetensors")
        let outputs = try newRun(working)
        XCTAssertEqual(outputs.model, model)
        XCTAssertEqual(outputs.checkpoint, working.appendingPathComponent("fashion-mnist-cbam.checkpoint.safetensors"))

        // An existing model: refused unless forced.
        try Data([1]).write(to: model)
        XCTAssertThrowsError(try newRun(working)) { error in
            XCTAssertEqual("\(error)", "\(model.path) (the default output): already exists; cbam train does not replace a model file it did not start from (give another --out, or --force to replace it)")
        }
        XCTAssertThrowsError(try newRun(working, out: model.path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("--out \(model.path): already exists;"), "\(error)")
        }
        XCTAssertNoThrow(try newRun(working, force: true))
        XCTAssertEqual(try Data(contentsOf: model), Data([1]), "checking writes nothing")

        // An unfinished run's checkpoint: refused, pointing at --resume.
        let other = working.appendingPathComponent("other.safetensors")
        try Data([2]).write(to: working.appendingPathComponent("other.checkpoint.safetensors"))
        XCTAssertThrowsError(try newRun(working, out: other.path)) { error in
            XCTAssertTrue("\(error)".contains("continue it with --resume \(working.appendingPathComponent("other.checkpoint.safetensors").path), or give --force"), "\(error)")
        }
        XCTAssertNoThrow(try newRun(working, out: other.path, force: true))
    }

    func testTheShippedModelIsNeverTheDefaultOutput() throws {
        // Run from Models/ on a folder named like the shipped model's.
        let models = try folder().appendingPathComponent("Models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let shipped = models.appendingPathComponent("fashion-mnist-cbam.safetensors")
        try Data([9]).write(to: shipped)
        for force in [false, true] {
            XCTAssertThrowsError(try newRun(models, force: force, shipped: shipped)) { error in
                XCTAssertEqual("\(error)", "\(shipped.path) (the default output): is the shipped model, which cbam train never replaces by default; give --out")
            }
        }
        // Named explicitly, it is a file like any other: replaced only with --force.
        XCTAssertThrowsError(try newRun(models, out: shipped.path, shipped: shipped))
        XCTAssertNoThrow(try newRun(models, out: shipped.path, force: true, shipped: shipped))
        XCTAssertEqual(try Data(contentsOf: shipped), Data([9]))
    }

    func testDestinationsAreCheckedWritableBeforeAnyWork() throws {
        let working = try folder()
        XCTAssertThrowsError(try newRun(working, out: "/proc/m.safetensors")) { error in
            XCTAssertTrue("\(error)".hasPrefix("--out /proc/m.safetensors: cannot write in /proc: "), "\(error)")
        }
        XCTAssertThrowsError(try newRun(working, out: "/proc/cbam/m.safetensors")) { error in
            XCTAssertTrue("\(error)".hasPrefix("--out /proc/cbam/m.safetensors: cannot create the folder /proc/cbam: "), "\(error)")
        }
        XCTAssertThrowsError(try newRun(working, log: "/proc/train.jsonl")) { error in
            XCTAssertTrue("\(error)".hasPrefix("--log /proc/train.jsonl: cannot write in /proc: "), "\(error)")
        }
        XCTAssertThrowsError(try newRun(working, out: working.path)) { error in
            XCTAssertEqual("\(error)", "--out \(working.path): is a directory; a file name is needed")
        }
        let model = working.appendingPathComponent("runs/a/m.safetensors").path
        XCTAssertThrowsError(try newRun(working, out: model, log: model)) { error in
            XCTAssertEqual("\(error)", "--log \(model): is the model or its checkpoint; the log needs a file of its own")
        }
        // Missing folders are created; the probe leaves nothing behind.
        let outputs = try newRun(working, out: model, log: working.appendingPathComponent("logs/m.jsonl").path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outputs.model.deletingLastPathComponent().path), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: working.appendingPathComponent("logs").path), [])
    }

    func testACheckpointNamedOtherwiseIsRefused() throws {
        let renamed = try folder().appendingPathComponent("backup.safetensors")
        XCTAssertThrowsError(try TrainingOutputs(resuming: renamed, out: nil, log: nil)) { error in
            XCTAssertTrue("\(error)".hasPrefix("--resume \(renamed.path): is not named NAME.checkpoint.safetensors"), "\(error)")
        }
    }
}
