import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs
import XCTest
@testable import cbam

/// Issue 13: `cbam classify` output a script can read (--csv, --json with the model's
/// name), standard input, an empty folder, the warning for a far input, one error prefix.
final class ClassifyOutputTests: XCTestCase {
    private func classify(_ arguments: [String]) throws -> String {
        var command = try CBAM.parseAsRoot(["classify"] + arguments)
        return try capturingStandardOutput { try command.run() }
    }

    func testCSVHasAHeaderAndOneRowPerImageWithTopKCappedAtTheClassCount() throws {
        let fixture = try XCTUnwrap(TrainedFixture.shared)
        let output = try classify([fixture.images.path, "--model", fixture.model.path, "--csv", "--top-k", "5"])
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "file,label,probability,top_k")
        XCTAssertEqual(lines.count, 1 + 12)
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(fields.count, 4, line)
            XCTAssertTrue(["blue", "red"].contains(String(fields[1])), line)
            XCTAssertEqual(fields[3].split(separator: ";").count, 2, "top-5 of 2 classes lists 2: \(line)")
            XCTAssertTrue(fields[3].hasPrefix("\(fields[1]):\(fields[2])"), line)
        }
        XCTAssertEqual(csvRow(["a,b.png", "say \"x\"", "1"]), "\"a,b.png\",\"say \"\"x\"\"\",1")
    }

    func testJSONNamesTheModel() throws {
        let fixture = try XCTUnwrap(TrainedFixture.shared)
        let output = try classify([fixture.images.appendingPathComponent("red").path, "--model", fixture.model.path, "--json"])
        for line in output.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            XCTAssertEqual(object["model"] as? String, "tiny.safetensors")
            XCTAssertEqual((object["predictions"] as! [Any]).count, 2)
        }
    }

    func testStandardInputGivesPathsOneALineOrTheBytesOfOneImage() throws {
        let fixture = try XCTUnwrap(TrainedFixture.shared)
        let files = ["blue/0.png", "red/3.png"].map { fixture.images.appendingPathComponent($0).path }
        let paths = try feedingStandardInput(Data((files.joined(separator: "\n") + "\n\n").utf8)) {
            try classify(["-", "--model", fixture.model.path, "--csv"])
        }
        XCTAssertEqual(paths.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }, files)

        let bytes = try feedingStandardInput(Data(contentsOf: URL(fileURLWithPath: files[0]))) {
            try classify(["-", "--model", fixture.model.path, "--json"])
        }
        let object = try JSONSerialization.jsonObject(with: Data(bytes.utf8)) as! [String: Any]
        XCTAssertEqual(object["file"] as? String, "stdin")
        let fromFile = try classify([files[0], "--model", fixture.model.path, "--csv"])
        XCTAssertEqual((object["predictions"] as! [[String: Any]])[0]["label"] as? String,
                       String(fromFile.split(separator: "\n")[1].split(separator: ",")[1]), "the same image either way")

        XCTAssertThrowsError(try feedingStandardInput(Data()) { try classify(["-", "--model", fixture.model.path]) }) { error in
            XCTAssertTrue("\(error)".contains("standard input"), "\(error)")
        }
    }

    func testAnEmptyFolderIsAnErrorNamingIt() throws {
        let fixture = try XCTUnwrap(TrainedFixture.shared)
        let empty = fixture.root.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        var command = try CBAM.parseAsRoot(["classify", empty.path, "--model", fixture.model.path])
        XCTAssertThrowsError(try silencingStandardOutput { try command.run() }) { error in
            XCTAssertNotEqual(CBAM.exitCode(for: error), .success)
            XCTAssertTrue(CBAM.message(for: error).hasPrefix(empty.path + ": "), CBAM.message(for: error))
        }
    }

    /// A colour photo given to a grey 28 px model is warned about once, on stderr, with
    /// what the model expects; stdout keeps only the results.
    func testAColourPhotoIntoAGreyModelIsWarnedAboutOnce() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-mismatch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let photos = try PhotoFolder.write(to: folder.appendingPathComponent("photos"), perClass: 2)
        let configuration = ModelConfiguration(attention: .cbam, channels: 1, imageSize: 28, classes: 2, width: 4)
        let model = folder.appendingPathComponent("grey.safetensors")
        try ModelFile.save(configuration.makeModel(seed: 1), metadata: ModelMetadata(configuration: configuration, classNames: ["Bag", "Coat"],
                                                                                  mean: [0.3], std: [0.35]), to: model)
        var command = try CBAM.parseAsRoot(["classify", folder.appendingPathComponent("photos").path, "--model", model.path])
        var output = ""
        let warnings = try capturingStandardError { output = try capturingStandardOutput { try command.run() } }
        let lines = warnings.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, warnings)
        XCTAssertTrue(warnings.hasPrefix("Warning: \(photos[0].path) is in colour"), warnings)
        XCTAssertTrue(warnings.contains("grey.safetensors was trained on grey 28×28 images of 2 classes (Bag, Coat)"), warnings)
        XCTAssertFalse(output.contains("Warning"))
    }

    /// Per-file errors use the prefix ArgumentParser gives a command's own: "Error: ".
    func testAnUnreadableFileIsReportedWithTheOneErrorPrefix() throws {
        let fixture = try XCTUnwrap(TrainedFixture.shared)
        let bad = fixture.root.appendingPathComponent("not-an-image-\(UUID().uuidString).png")
        try Data("hello".utf8).write(to: bad)
        var command = try CBAM.parseAsRoot(["classify", bad.path, fixture.images.appendingPathComponent("blue/0.png").path,
                                            "--model", fixture.model.path])
        let errors = try capturingStandardError {
            XCTAssertThrowsError(try silencingStandardOutput { try command.run() })
        }
        XCTAssertTrue(errors.hasPrefix("Error: \(bad.path): "), errors)
        XCTAssertTrue(errors.contains("1 of 2 files could not be read"), errors)
        XCTAssertFalse(errors.contains("error:"), errors)
    }
}
