import ArgumentParser
import CBAMKit
import Foundation
import XCTest
@testable import cbam

/// `cbam import-torch` in-process, on the committed checkpoint fixtures
/// (Tests/PyTorch/make_torch_checkpoint_fixtures.py; the logits are checked in TorchCheckpointTests).
final class ImportTorchTests: TemporaryFolderTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CBAMKitTests/Fixtures/torch")

    private func arguments(_ checkpoint: String, classes: String, out: String, _ more: [String] = []) -> [String] {
        ["import-torch", Self.fixtures.appendingPathComponent(checkpoint).path, "--arch", "resnet18", "--width", "4",
         "--reduction", "4", "--image-size", "64", "--classes", classes, "--out", out] + more
    }

    func testImportsAWrappedCheckpointWithClassNamesAndRefusesToOverwrite() throws {
        let names = folder.appendingPathComponent("classes.txt")
        try "sneaker\r\nbag\ncoat\ndress\nshirt\n".write(to: names, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("imported.safetensors").path
        var command = try CBAM.parseAsRoot(arguments("resnet18_cbam_wrapped.pth", classes: names.path, out: out))
        try command.run()
        let trained = try TrainedModel(contentsOf: URL(fileURLWithPath: out))
        XCTAssertEqual(trained.classNames, ["sneaker", "bag", "coat", "dress", "shirt"])
        XCTAssertEqual(trained.configuration, ModelConfiguration(architecture: .resnet18, attention: .cbam, channels: 3, imageSize: 64,
                                                                 classes: 5, width: 4, reduction: 4))
        XCTAssertEqual(trained.preprocessing.mean, [0.485, 0.456, 0.406])
        XCTAssertEqual(trained.preprocessing.std, [0.229, 0.224, 0.225])

        command = try CBAM.parseAsRoot(arguments("resnet18_cbam.pth", classes: "5", out: out))
        XCTAssertThrowsError(try command.run()) { XCTAssertTrue("\($0)".contains("pass --force"), "\($0)") }
        command = try CBAM.parseAsRoot(arguments("resnet18_cbam.pth", classes: "5", out: out, ["--force"]))
        try command.run()
        XCTAssertEqual(try TrainedModel(contentsOf: URL(fileURLWithPath: out)).classNames, ["0", "1", "2", "3", "4"])
    }

    /// The authors' checkpoints are in the legacy (pre-1.6) format: the same network, saved
    /// so, imports to the same model file's tensors as the zip one.
    func testALegacyCheckpointImportsToTheSameModel() throws {
        var files: [SafeTensors] = []
        for checkpoint in ["resnet18_cbam_wrapped.pth", "resnet18_cbam_legacy.pth"] {
            let out = folder.appendingPathComponent(checkpoint + ".safetensors").path
            var command = try CBAM.parseAsRoot(arguments(checkpoint, classes: "5", out: out))
            try command.run()
            files.append(try SafeTensors(contentsOf: URL(fileURLWithPath: out)))
        }
        XCTAssertEqual(files[1].metadata["imported_from"], "resnet18_cbam_legacy.pth")
        XCTAssertEqual(files[0].metadata.filter { $0.key != "imported_from" }, files[1].metadata.filter { $0.key != "imported_from" })
        XCTAssertEqual(Set(files[0].tensors.keys), Set(files[1].tensors.keys))
        XCTAssertGreaterThan(files[0].tensors.count, 100)
        for (key, tensor) in files[0].tensors {
            XCTAssertEqual(tensor.shape, files[1].tensors[key]?.shape, key)
            XCTAssertEqual(tensor.scalars, files[1].tensors[key]?.scalars, key)
        }
    }

    func testAMismatchNamesTheKeyAndWritesNothing() throws {
        let out = folder.appendingPathComponent("m.safetensors").path
        var command = try CBAM.parseAsRoot(arguments("resnet18_cbam.pth", classes: "5", out: out, ["--model", "se"]))
        XCTAssertThrowsError(try command.run()) { error in
            XCTAssertEqual("\(error)", "resnet18_cbam.pth: 'layer1.0.se.fc.0.bias' is missing (and 31 others); the file does not fit this model")
        }
        command = try CBAM.parseAsRoot(arguments("resnet18_cbam.pth", classes: "6", out: out))
        XCTAssertThrowsError(try command.run()) { XCTAssertTrue("\($0)".contains("'fc.weight' has shape [5, 32]"), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testOptionsAreCheckedWhileParsing() throws {
        for (extra, option) in [(["--model", "vit"], "--model"), (["--channels", "1"], "--channels"),
                                (["--image-size", "16"], "--image-size"), (["--width", "0"], "--width")] {
            XCTAssertThrowsError(try CBAM.parseAsRoot(arguments("x.pth", classes: "5", out: "o.safetensors", extra)), "\(extra)") { error in
                XCTAssertEqual(CBAM.exitCode(for: error).rawValue, 64)
                XCTAssertTrue(CBAM.message(for: error).contains(option), CBAM.message(for: error))
            }
        }
        let names = folder.appendingPathComponent("dup.txt")
        try "a\nb\na\n".write(to: names, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ImportTorch.classNames(names.path)) { XCTAssertTrue("\($0)".contains("line 3 repeats line 1's class 'a'"), "\($0)") }
        XCTAssertThrowsError(try ImportTorch.classNames("1"))
        XCTAssertEqual(try ImportTorch.classNames("3"), ["0", "1", "2"])
    }
}
