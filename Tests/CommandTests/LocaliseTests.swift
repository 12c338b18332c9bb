import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs
import XCTest
@testable import cbam

/// `cbam localise` end to end: a few generated cluttered images, tiny models of every
/// kind, the table, the JSON, and what a bad boxes.csv says.
final class LocaliseTests: TemporaryFolderTestCase {
    /// The cluttered split: 8 images, boxes.csv.
    private var split: String { folder.appendingPathComponent("test").path }
    private var boxesPath: String { split + "/boxes.csv" }

    override func setUpWithError() throws {
        try super.setUpWithError()
        let idx = try TinyIDX.write(count: 8, in: folder)
        try silencingStandardOutput {
            var command = try CBAM.parseAsRoot(["import-idx", idx.images, idx.labels, "--classes", "a,b,c", "--out", split,
                                                "--clutter", "4", "--split", "test"])
            try command.run()
        }
    }

    /// A small randomly initialised model of `kind` for 16×16 grey images of classes a, b, c.
    private func tinyModel(_ kind: ModelConfiguration.Kind) throws -> String {
        var configuration = ModelConfiguration(kind: kind, channels: 1, imageSize: 16, classes: 3)
        (configuration.width, configuration.depth, configuration.reduction) = (8, 1, 2)
        let url = folder.appendingPathComponent("\(kind.rawValue).safetensors")
        let metadata = ModelMetadata(configuration: configuration, classNames: ["a", "b", "c"], mean: [0.2], std: [0.3])
        try ModelFile.save(configuration.makeModel(seed: 1), metadata: metadata, to: url)
        return url.path
    }

    private func localise(_ arguments: [String]) throws -> String {
        var command = try CBAM.parseAsRoot(["localise"] + arguments)
        return try capturingStandardOutput { try command.run() }
    }

    private func report(_ arguments: [String]) throws -> Localise.Report {
        try JSONDecoder().decode(Localise.Report.self, from: Data(try localise(arguments + ["--json"]).utf8))
    }

    func testEveryKindOfModelIsScoredOnEveryMapItHas() throws {
        let rows = try BoxesFile.read(boxesPath, folder: split)
        let meanShare = rows.map { Double($0.tightBox.width * $0.tightBox.height) / (56 * 56) }.reduce(0, +) / 8
        let expectedMaps: [ModelConfiguration.Kind: [String]] = [
            .plain: ["gradcam layer3"], .se: ["gradcam layer3"], .vit: ["rollout blocks"],
            .cbam: ["spatial layer1.0", "spatial layer2.0", "spatial layer3.0", "gradcam layer3"],
        ]
        for kind in ModelConfiguration.Kind.allCases {
            let report = try report([split, "--model", try tinyModel(kind), "--batch-size", "3"])
            XCTAssertEqual(report.images, 8)
            XCTAssertEqual(report.box, .tight)
            XCTAssertEqual(report.boxShare, meanShare, accuracy: 1e-12, "\(kind)")
            XCTAssertEqual(report.maps.map { "\($0.method.rawValue) \($0.layer)" }, expectedMaps[kind], "\(kind)")
            for map in report.maps {
                XCTAssertTrue(map.massRatio.isFinite && map.massRatio > 0, "\(kind) \(map.layer): \(map.massRatio)")
                XCTAssertEqual(map.massRatio, map.massInBox / report.boxShare, accuracy: 1e-9)
                XCTAssertTrue((0...1).contains(map.pointingHitRate), "\(kind) \(map.layer): \(map.pointingHitRate)")
            }
        }
        // The full boxes are the 28×28 garments: a quarter of each 56×56 image.
        XCTAssertEqual(try report([split, "--model", try tinyModel(.cbam), "--box", "full"]).boxShare, 0.25, accuracy: 1e-12)
    }

    /// Boxes that cover the whole image: every map's mass is all inside (ratio 1) and its
    /// maximum always is (hit rate 1).
    func testBoxesCoveringTheWholeImageScoreRatioOneAndAlwaysHit() throws {
        let rows = try BoxesFile.read(boxesPath, folder: split).map { row in
            var row = row
            row.box = PixelBox(x: 0, y: 0, width: 56, height: 56)
            return row
        }
        try BoxesFile.write(rows, to: boxesPath)
        // With a train/ beside it, the data set root names test/.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("train"), withIntermediateDirectories: true)
        for kind in [ModelConfiguration.Kind.cbam, .vit] {
            let report = try report([folder.path, "--model", try tinyModel(kind), "--box", "full"])
            XCTAssertEqual(report.boxShare, 1)
            for map in report.maps {
                XCTAssertEqual(map.massRatio, 1, accuracy: 1e-12, "\(kind) \(map.layer)")
                XCTAssertEqual(map.pointingHitRate, 1, "\(kind) \(map.layer)")
            }
        }
    }

    func testTheTableHasOneLinePerMapAndCountsRight() throws {
        let model = try tinyModel(.cbam)
        let table = try localise([split, "--model", model])
        XCTAssertTrue(table.contains(": 8 images, tight boxes covering "), table)
        for name in ["layer1.0 spatial", "layer2.0 spatial", "layer3.0 spatial", "layer3 Grad-CAM"] {
            XCTAssertEqual(table.split(separator: "\n").filter { $0.hasPrefix(name + " ") }.count, 1, "\(name) in\n\(table)")
        }
        let first = try String(contentsOfFile: boxesPath, encoding: .utf8).split(separator: "\n").prefix(2).joined(separator: "\n")
        let single = folder.appendingPathComponent("one.csv").path
        try first.write(toFile: single, atomically: true, encoding: .utf8)
        XCTAssertTrue(try localise([split, "--model", model, "--boxes", single, "--box", "full"]).contains(": 1 image, full box covering 25.0% "))
    }

    /// Each bad boxes.csv is one line naming the file and the reason.
    func testBadBoxesFilesAreOneLineNamingTheFileAndTheReason() throws {
        let model = try tinyModel(.plain)
        let original = try String(contentsOfFile: boxesPath, encoding: .utf8)
        let first = try XCTUnwrap(original.split(separator: "\n").dropFirst().first.map(String.init))
        let fields = first.split(separator: ",").map(String.init)
        let image = "\(split)/\(fields[0])"
        let cases: [(csv: String?, message: String)] = [
            (nil, "\(boxesPath): no such file"),
            (BoxesFile.header + "\n" + first + ",7", "\(boxesPath): line 2: 11 fields, expected 10"),
            (BoxesFile.header + "\nq/00001.png,q,1,2,3,4,5,6,7,8", "\(boxesPath): line 2: \(split)/q/00001.png does not exist"),
            (BoxesFile.header + "\n" + fields[0...1].joined(separator: ",") + ",1,2,3,4,40,2,17,5",
             "\(image): its tight box in \(boxesPath) (40, 2, 17×5) reaches outside the 56×56 image"),
            (BoxesFile.header + "\n" + fields[0...1].joined(separator: ",") + ",1,2,3,4,5,6,0,0",
             "\(image): its tight box in \(boxesPath) (5, 6, 0×0) is empty; --box full scores the whole box"),
        ]
        for (csv, message) in cases {
            if let csv { try csv.write(toFile: boxesPath, atomically: true, encoding: .utf8) } else {
                try FileManager.default.removeItem(atPath: boxesPath)
            }
            var command = try CBAM.parseAsRoot(["localise", split, "--model", model])
            XCTAssertThrowsError(try silencingStandardOutput { try command.run() }) { error in
                let printed = CBAM.message(for: error)
                XCTAssertTrue(printed.hasPrefix(message), "'\(printed)' does not start with '\(message)'")
                XCTAssertFalse(printed.contains("\n"), printed)
            }
        }
    }
}
