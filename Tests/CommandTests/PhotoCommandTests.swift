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
        let photo = try PhotoFolder.write(to: root.appendingPathComponent("images")).first!
        let model = root.appendingPathComponent("photos.safetensors").path
        var train = try CBAM.parseAsRoot(["train", root.appendingPathComponent("images").path, "--image-size", "64",
                                          "--width", "4", "--epochs", "1", "--batch-size", "4", "--colour-jitter", "0.3",
                                          "--val-split", "0.2", "--out", model])
        try silencingStandardOutput { try train.run() }
        let trained = try TrainedModel(contentsOf: URL(fileURLWithPath: model))
        XCTAssertEqual(trained.metadata.transform, .photo)
        XCTAssertEqual(trained.configuration.imageSize, 64)

        var classify = try CBAM.parseAsRoot(["classify", photo.path, "--model", model, "--json"])
        try silencingStandardOutput { try classify.run() }
        var evaluate = try CBAM.parseAsRoot(["evaluate", root.appendingPathComponent("images").path, "--model", model, "--json"])
        try silencingStandardOutput { try evaluate.run() }
    }

    /// The case: a photo-like folder trains an official ResNet-18 at 96 px, a
    /// second run fine-tunes it (--init, --freeze) on other classes, and classify,
    /// attention and evaluate work on the result.
    func testAResNet18TrainsOnPhotosAndFineTunes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-resnet18-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let images = root.appendingPathComponent("images"), others = root.appendingPathComponent("others")
        let photos = try PhotoFolder.write(to: images)
        _ = try PhotoFolder.write(to: others, classes: ["green", "grey", "violet"], seed: 7)
        let base = root.appendingPathComponent("base.safetensors").path, tuned = root.appendingPathComponent("tuned.safetensors").path
        var train = try CBAM.parseAsRoot(["train", images.path, "--arch", "resnet18", "--image-size", "96", "--width", "16",
                                          "--epochs", "1", "--batch-size", "4", "--val-split", "0.2", "--out", base])
        try silencingStandardOutput { try train.run() }
        let trained = try TrainedModel(contentsOf: URL(fileURLWithPath: base))
        XCTAssertEqual(trained.configuration.architecture, .resnet18)
        XCTAssertEqual(trained.metadata.transform, .photo)

        var fineTune = try CBAM.parseAsRoot(["train", others.path, "--init", base, "--freeze", "2", "--epochs", "1",
                                             "--batch-size", "4", "--val-split", "0.2", "--out", tuned])
        try silencingStandardOutput { try fineTune.run() }
        let result = try TrainedModel(contentsOf: URL(fileURLWithPath: tuned))
        XCTAssertEqual(result.configuration.architecture, .resnet18)
        XCTAssertEqual(result.configuration.imageSize, 96)
        XCTAssertEqual(result.classNames, ["green", "grey", "violet"])
        XCTAssertEqual(result.metadata.mean, trained.metadata.mean, "fine-tuning keeps the starting model's normalisation")
        XCTAssertEqual(result.metadata.extra["initialised_from"], "base.safetensors")
        let before = Dictionary(uniqueKeysWithValues: trained.network.state.map { ($0.key, $0.tensor.scalars) })
        XCTAssertEqual(result.network.state.first { $0.key == "layer1.0.conv1.weight" }!.tensor.scalars, before["layer1.0.conv1.weight"])
        XCTAssertNotEqual(result.network.state.first { $0.key == "layer2.0.conv1.weight" }!.tensor.scalars, before["layer2.0.conv1.weight"])

        let maps = root.appendingPathComponent("maps")
        for arguments in [["classify", photos[0].path, "--model", tuned, "--json"],
                          ["evaluate", others.path, "--model", tuned, "--json"],
                          ["attention", photos[1].path, "--model", tuned, "--out", maps.path]] {
            var command = try CBAM.parseAsRoot(arguments)
            try silencingStandardOutput { try command.run() }
        }
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: maps.path).filter { $0.hasSuffix(".png") }.isEmpty)
    }

    func testFineTuningOptions() {
        let folder = "/nonexistent/photos"
        assertUsageError(["train", folder, "--freeze", "1"], naming: "--init")
        assertUsageError(["train", folder, "--init", "m.safetensors", "--model", "se"], naming: "--model")
        assertUsageError(["train", folder, "--init", "m.safetensors", "--arch", "resnet50"], naming: "--arch")
        assertUsageError(["train", folder, "--init", "m.safetensors", "--resume", "m.checkpoint.safetensors"], naming: "--init")
    }
}

/// A folder of photo-like images: coloured, of different sizes, portrait, landscape
/// and square, one grey among them per class; each class a dominant colour.
enum PhotoFolder {
    /// Writes `perClass` PNGs into `root/<class>/` and returns their URLs.
    @discardableResult
    static func write(to root: URL, classes: [String] = ["blue", "red"], perClass: Int = 6, seed: UInt64 = 2) throws -> [URL] {
        var generator = RandomGenerator(seed: seed)
        let shapes = [(97, 71), (64, 120), (88, 88), (150, 80), (70, 101)]
        var urls: [URL] = []
        for (label, name) in classes.enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let (width, height) = shapes[(i + label) % shapes.count]
                var pixels = [UInt8](repeating: 0, count: width * height * 3)
                for p in 0..<(width * height) {
                    for c in 0..<3 { pixels[p * 3 + c] = UInt8(clamping: (c == (2 * (1 - label) + 3) % 3 ? 170 : 60) + Int(generator.nextUniform() * 60)) }
                }
                var image = Image(width: width, height: height, channels: 3, pixels: pixels)
                if i == perClass - 1 { image = image.converted(toChannels: 1) }   // a grey one among colour photos
                let url = folder.appendingPathComponent("\(i).png")
                try image.writePNG(to: url.path)
                urls.append(url)
            }
        }
        return urls
    }
}
