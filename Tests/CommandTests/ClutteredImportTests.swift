import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs
import XCTest
@testable import cbam

/// `cbam import-idx --clutter` and Datasets/cluttered-fashion-mnist.sh on a tiny
/// generated IDX pair: the files they write are the generator's images and boxes.
final class ClutteredImportTests: TemporaryFolderTestCase {
    private func writeIDX(count: Int, prefix: String = "train", seed: UInt64 = 1) throws -> (images: String, labels: String) {
        try TinyIDX.write(count: count, in: folder, prefix: prefix, seed: seed)
    }

    /// Every row of `dataset/split/boxes.csv` names the PNG the generator makes for that index.
    private func assertWritten(_ split: String, in dataset: URL, from idx: (images: String, labels: String), seed: UInt64,
                               classes: [String], expectedCount: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let root = dataset.appendingPathComponent(split).path
        let rows = try BoxesFile.read(root + "/boxes.csv", folder: root)
        XCTAssertEqual(rows.count, expectedCount, file: file, line: line)
        let generator = try ClutteredImages(sources: try IDXFile.images(idx.images), seed: seed,
                                            split: try XCTUnwrap(ClutteredImages.Split(rawValue: split)))
        let labels = try IDXFile.labels(idx.labels)
        for row in rows {
            let index = try XCTUnwrap(Int(row.file.split(separator: "/")[1].dropLast(4)), row.file)
            let expected = generator.sample(index)
            XCTAssertEqual(row.file, "\(classes[labels[index]])/" + String(format: "%05d.png", index), file: file, line: line)
            XCTAssertEqual(row.className, classes[labels[index]], file: file, line: line)
            XCTAssertEqual([row.box, row.tightBox], [expected.box, expected.tightBox], row.file, file: file, line: line)
            XCTAssertEqual(try Image(contentsOf: root + "/" + row.file), expected.image, row.file, file: file, line: line)
        }
    }

    func testImportIDXWithClutterWritesTheGeneratorsImagesAndBoxes() throws {
        let idx = try writeIDX(count: 12)
        let out = folder.appendingPathComponent("train").path
        var command = try CBAM.parseAsRoot(["import-idx", idx.images, idx.labels, "--classes", "a,b,c", "--out", out,
                                            "--clutter", "7", "--split", "train"])
        try command.run()
        try assertWritten("train", in: folder, from: idx, seed: 7, classes: ["a", "b", "c"], expectedCount: 12)

        // --per-class picks the garments; clutter still comes from the whole file.
        try FileManager.default.removeItem(atPath: out)
        command = try CBAM.parseAsRoot(["import-idx", idx.images, idx.labels, "--classes", "a,b,c", "--out", out,
                                        "--clutter", "7", "--split", "train", "--per-class", "2"])
        try command.run()
        try assertWritten("train", in: folder, from: idx, seed: 7, classes: ["a", "b", "c"], expectedCount: 6)
    }

    /// Without --clutter the images are written as they are, and boxes.csv gives each its
    /// whole box and the tight box of its pixels above 10 (what `cbam compare` scores maps on).
    func testImportIDXWritesThePlainImagesWithTheirTightBoxes() throws {
        let idx = try writeIDX(count: 9)
        let out = folder.appendingPathComponent("test").path
        var command = try CBAM.parseAsRoot(["import-idx", idx.images, idx.labels, "--classes", "a,b,c", "--out", out])
        try silencingStandardOutput { try command.run() }
        let rows = try BoxesFile.read(out + "/boxes.csv", folder: out)
        let pictures = try IDXFile.images(idx.images)
        XCTAssertEqual(rows.count, 9)
        for row in rows {
            let index = try XCTUnwrap(Int(row.file.split(separator: "/")[1].dropLast(4)), row.file)
            let image = try Image(contentsOf: out + "/" + row.file)
            XCTAssertEqual(image, pictures[index], row.file)
            XCTAssertEqual(row.box, PixelBox(x: 0, y: 0, width: image.width, height: image.height), row.file)
            XCTAssertEqual(row.tightBox, PixelBox(around: image, brighterThan: 10), row.file)
            // The tight box holds every pixel above 10 and touches one on each side.
            let box = row.tightBox
            for y in 0..<image.height {
                for x in 0..<image.width where image.pixels[y * image.width + x] > 10 {
                    XCTAssertTrue(box.contains(x: x, y: y), "\(row.file): (\(x), \(y)) outside \(box)")
                }
            }
            XCTAssertTrue((box.y..<box.y + box.height).contains { image.pixels[$0 * image.width + box.x] > 10 }, row.file)
            XCTAssertTrue((box.x..<box.x + box.width).contains { image.pixels[box.y * image.width + $0] > 10 }, row.file)
        }
    }

    func testClutterOptionsAreCheckedWhileParsing() {
        for (arguments, message) in [
            (["--clutter", "1"], "--clutter needs --split train or test"),
            (["--split", "test"], "--split chooses the seed of --clutter, which is not given"),
            (["--clutter", "1", "--split", "val"], "--split"),
            (["--clutter", "-1", "--split", "test"], "--clutter"),
        ] {
            XCTAssertThrowsError(try CBAM.parseAsRoot(["import-idx", "a", "b", "--out", "o", "--classes", "x,y"] + arguments)) { error in
                XCTAssertEqual(CBAM.exitCode(for: error).rawValue, 64, "\(arguments)")
                XCTAssertTrue(CBAM.message(for: error).contains(message), "\(arguments): \(CBAM.message(for: error))")
            }
        }
        for classes in ["x,,y", "x,y/z", "x,"] {
            XCTAssertThrowsError(try CBAM.parseAsRoot(["import-idx", "a", "b", "--out", "o", "--classes", classes]), classes)
        }
    }

    func testOneImageCannotBeClutteredAndTheFileIsNamed() throws {
        let idx = try writeIDX(count: 1)
        var command = try CBAM.parseAsRoot(["import-idx", idx.images, idx.labels, "--classes", "a,b,c",
                                            "--out", folder.appendingPathComponent("out").path, "--clutter", "0", "--split", "test"])
        XCTAssertThrowsError(try command.run()) { error in
            XCTAssertEqual("\(error)", "\(idx.images): has 1 image; clutter is cut from other images, so it needs at least 2")
        }
    }

    /// The script gunzips both splits and clutters each with its own seed. It runs the
    /// release build of cbam, which `swift test -c release` has just made.
    func testTheScriptWritesBothSplitsFromTinyIDXFiles() throws {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard FileManager.default.isExecutableFile(atPath: package.appendingPathComponent(".build/release/cbam").path) else {
            throw XCTSkip("needs .build/release/cbam (swift build -c release)")
        }
        let train = try writeIDX(count: 9, prefix: "train", seed: 2), test = try writeIDX(count: 5, prefix: "t10k", seed: 3)
        for path in [train.images, train.labels, test.images, test.labels] {
            XCTAssertEqual(try run("/bin/gzip", ["-k", path]), 0)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["FASHION_MNIST_IDX"] = folder.path
        environment["SEED"] = "5"
        let dataset = folder.appendingPathComponent("dataset")   // the script replaces it whole
        let status = try run(package.appendingPathComponent("Datasets/cluttered-fashion-mnist.sh").path, [dataset.path],
                             environment: environment)
        XCTAssertEqual(status, 0)
        let classes = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]
        try assertWritten("train", in: dataset, from: train, seed: 5, classes: classes, expectedCount: 9)
        try assertWritten("test", in: dataset, from: test, seed: 5, classes: classes, expectedCount: 5)
    }

    private func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
