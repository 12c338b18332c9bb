import CBAMKit
import Foundation
import XCTest
@testable import cbam

/// `cbam compare` on a data set whose test/ has a boxes.csv (as Datasets/fashion-mnist.sh
/// writes it): the report gains where each model looks, and a bad boxes file stops the
/// comparison before any training.
final class CompareBoxesTests: TemporaryFolderTestCase {
    private var out: String { folder.appendingPathComponent("compare").path }
    private var boxes: String { folder.appendingPathComponent("data/test/boxes.csv").path }

    override func setUpWithError() throws {
        try super.setUpWithError()
        for (split, seed) in [("train", UInt64(1)), ("test", 2)] {
            let idx = try TinyIDX.write(count: 12, in: folder, prefix: split, seed: seed)
            var command = try CBAM.parseAsRoot(["import-idx", idx.images, idx.labels, "--classes", "a,b,c",
                                                "--out", folder.appendingPathComponent("data/\(split)").path])
            try silencingStandardOutput { try command.run() }
        }
    }

    private func compare() throws -> Compare {
        try XCTUnwrap(try CBAM.parseAsRoot(["compare", folder.appendingPathComponent("data").path, "--models", "plain,cbam",
                                            "--seeds", "1", "--epochs", "1", "--image-size", "16", "--width", "4",
                                            "--batch-size", "4", "--no-bench", "--out", out]) as? Compare)
    }

    func testTheReportSaysWhereEachModelLooks() throws {
        let command = try compare()
        _ = try capturingStandardError { try silencingStandardOutput { try command.run() } }
        let report = try JSONDecoder().decode(ComparisonReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
        XCTAssertEqual(report.models.map { $0.localisation?.images }, [12, 12])
        XCTAssertEqual(report.models[1].localisation?.maps.first?.method, .spatial)
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("## Where each model looks"), markdown)
        XCTAssertTrue(markdown.contains("| CBAM | spatial layer1.0 |"), markdown)
    }

    func testABadBoxesFileStopsTheComparisonBeforeTraining() throws {
        try "file,class\nx.png,a\n".write(toFile: boxes, atomically: true, encoding: .utf8)
        let command = try compare()
        XCTAssertThrowsError(try capturingStandardError { try silencingStandardOutput { try command.run() } }) { error in
            let message = CBAM.message(for: error)
            XCTAssertTrue(message.hasPrefix("\(self.boxes): line 1: expected the header"), message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing trained, nothing written")
    }
}
