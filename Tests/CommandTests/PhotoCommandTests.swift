import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs
import XCTest
@testable import cbam

/// `cbam train` at a photo size picks the photo transforms, the model file keeps them,
/// and `cbam classify` and `cbam evaluate` use them; the options' bounds.
final class PhotoCommandTests: XCTestCase {
    private func assertUsageError(_ arguments: [String], naming option: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CBAM.parseAsRoot(arguments), "\(arguments)", file: file, line: line) { error in
            XCTAssertEqual(CBAM.exitCode(for: error).rawValue, 64, "\(arguments)", file: file, line: line)
            XCTAssertTrue(CBAM.message(for: error).contains(option), "\(arguments): '\(CBAM.message(for: error))'", file: file, line: line)
        }
    }

    func testPhotoOptions() throws {
        let folder = "/nonexistent/photos"
        XCTAssertNoThrow(try CBAM.parseAsRoot(["train", folder, "--image-size", "64", "--colour-jitter", "0.4"]))
        XCTAssertNoThrow(try CBAM.parseAsRoot(["train", folder, "--image-size", "32", "--transform", "photo", "--colour-jitter", "0.4"]))
        XCTAssertNoThrow(try CBAM.parseAsRoot(["compare", folder, "--image-size", "96", "--transform", "fit-whole"]))
        // A 224-pixel ViT takes 28×28 patches (64 of them) unless told otherwise.
        XCTAssertNoThrow(try CBAM.parseAsRoot(["train", folder, "--model", "vit", "--image-size", "224"]))
        assertUsageError(["train", folder, "--image-size", "64", "--transform", "fit-whole", "--colour-jitter", "0.2"], naming: "--colour-jitter")
        assertUsageError(["train", folder, "--image-size", "32", "--colour-jitter", "0.2"], naming: "--colour-jitter")
        assertUsageError(["train", folder, "--image-size", "64", "--colour-jitter", "2"], naming: "--colour-jitter")
        assertUsageError(["train", folder, "--image-size", "64", "--colour-jitter", "nan"], naming: "--colour-jitter")
        XCTAssertThrowsError(try CBAM.parseAsRoot(["train", folder, "--transform", "squash"]))
    }

    func testTrainingAtSixtyFourPixelsUsesThePhotoTransformsThroughClassify() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-photo-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var generator = RandomGenerator(seed: 2)
        let shapes = [(97, 71), (64, 120), (88, 88), (150, 80), (70, 101)]
        var photo: URL?
        for (label, name) in ["blue", "red"].enumerated() {
            let folder = root.appendingPathComponent("images").appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<6 {
                let (width, height) = shapes[(i + label) % shapes.count]
                var pixels = [UInt8](repeating: 0, count: width * height * 3)
                for p in 0..<(width * height) {
                    for c in 0..<3 { pixels[p * 3 + c] = UInt8(clamping: (c == 2 * (1 - label) ? 170 : 60) + Int(generator.nextUniform() * 60)) }
                }
                var image = Image(width: width, height: height, channels: 3, pixels: pixels)
                if i == 5 { image = image.converted(toChannels: 1) }   // a grey one among colour photos
                let url = folder.appendingPathComponent("\(i).png")
                try image.writePNG(to: url.path)
                photo = photo ?? url
            }
        }
        let model = root.appendingPathComponent("photos.safetensors").path
        var train = try CBAM.parseAsRoot(["train", root.appendingPathComponent("images").path, "--image-size", "64",
                                          "--width", "4", "--epochs", "1", "--batch-size", "4", "--colour-jitter", "0.3",
                                          "--val-split", "0.2", "--out", model])
        try silencingStandardOutput { try train.run() }
        let trained = try TrainedModel(contentsOf: URL(fileURLWithPath: model))
        XCTAssertEqual(trained.metadata.transform, .photo)
        XCTAssertEqual(trained.configuration.imageSize, 64)

        var classify = try CBAM.parseAsRoot(["classify", photo!.path, "--model", model, "--json"])
        try silencingStandardOutput { try classify.run() }
        var evaluate = try CBAM.parseAsRoot(["evaluate", root.appendingPathComponent("images").path, "--model", model, "--json"])
        try silencingStandardOutput { try evaluate.run() }
    }
}
