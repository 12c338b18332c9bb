import ArgumentParser
import CBAMKit
import Foundation
import XCTest
@testable import cbam

/// Issue 13: `cbam info MODEL` says what a model is and what it was trained on, in text
/// and JSON, from the file alone.
final class InfoTests: XCTestCase {
    func testInfoDescribesTheNetworkInputClassesAndTraining() throws {
        let fixture = try XCTUnwrap(TrainedFixture.shared)
        var info = try CBAM.parseAsRoot(["info", fixture.model.path])
        let text = try capturingStandardOutput { try info.run() }
        let configuration = try TrainedModel(contentsOf: fixture.model).configuration
        for expected in ["tiny.safetensors", "resnet-small, width 4, depth 1, CBAM attention (reduction 8)",
                         "parameters  \(ModelDescriptionText.grouped(configuration.parameterCount))",
                         "input       3×16×16 RGB: the whole image resized to 16×16",
                         "classes     2 classes: blue, red", "data        images: 8 training images, 4 validation",
                         "training    epoch 1 of 1, validation accuracy "] {
            XCTAssertTrue(text.contains(expected), "'\(expected)' in\n\(text)")
        }

        var json = try CBAM.parseAsRoot(["info", fixture.model.path, "--json"])
        let line = try capturingStandardOutput { try json.run() }
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        let network = object["network"] as! [String: Any], input = object["input"] as! [String: Any]
        let training = object["training"] as! [String: Any]
        XCTAssertEqual(network["parameters"] as? Int, configuration.parameterCount)
        XCTAssertEqual(network["attention"] as? String, "cbam")
        XCTAssertEqual(input["image_size"] as? Int, 16)
        XCTAssertEqual(input["transform"] as? String, "fit-whole")
        XCTAssertEqual(object["classes"] as? [String], ["blue", "red"])
        XCTAssertEqual(training["data"] as? String, "images")
        XCTAssertEqual(training["train_images"] as? Int, 8)
        XCTAssertEqual(training["epochs"] as? Int, 1)
        XCTAssertNotNil(ISO8601DateFormatter().date(from: training["date"] as? String ?? ""), "\(training)")
    }

    func testAFileWithoutATrainingRecordSaysSo() throws {
        let fixtures = try FuzzFixtures()
        var info = try CBAM.parseAsRoot(["info", fixtures.models[1].path])
        let text = try capturingStandardOutput { try info.run() }
        XCTAssertTrue(text.contains("vit-tiny, width 8, depth 1, patch 4×4, 2 heads"), text)
        XCTAssertTrue(text.contains("training    not recorded in the file"), text)
    }

    func testAMissingFileIsOneLineNamingIt() throws {
        var info = try CBAM.parseAsRoot(["info", "/nonexistent/m.safetensors"])
        XCTAssertThrowsError(try info.run()) { error in
            let message = CBAM.message(for: CBAM.plainError(error))
            XCTAssertTrue(message.contains("m.safetensors"), message)
            XCTAssertFalse(message.contains("\n"), message)
        }
    }
}
