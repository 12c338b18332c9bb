import XCTest
@testable import cbam
import CBAMKit
import OneDNN

/// `cbam train` and `cbam compare` say how many threads they compute with (issue 14:
/// the count comes from the CPUs available, so a run on a busy or limited host shows it).
final class ThreadCountLineTests: TemporaryFolderTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try PhotoFolder.write(to: folder.appendingPathComponent("photos"), perClass: 4)
    }

    private var small: [String] {
        [folder.appendingPathComponent("photos").path, "--arch", "resnet-small", "--image-size", "16", "--width", "4",
         "--epochs", "1", "--batch-size", "4", "--val-split", "0.25"]
    }

    private var threads: String { counted(Parallel.threadCount, "thread") }

    func testTrainSaysHowManyThreadsItUses() throws {
        var train = try CBAM.parseAsRoot(["train"] + small + ["--out", folder.appendingPathComponent("m.safetensors").path])
        let said = try capturingStandardError { try silencingStandardOutput { try train.run() } }
        let line = try XCTUnwrap(said.split(separator: "\n").first { $0.hasPrefix("Training ") }, said)
        XCTAssertTrue(line.hasSuffix(", \(threads)"), String(line))
    }

    func testCompareSaysHowManyThreadsItUses() throws {
        var compare = try CBAM.parseAsRoot(["compare"] + small + ["--models", "plain", "--seeds", "1", "--no-bench",
                                                                   "--out", folder.appendingPathComponent("compare").path])
        let said = try capturingStandardError { try silencingStandardOutput { try compare.run() } }
        let line = try XCTUnwrap(said.split(separator: "\n").first { $0.hasPrefix("Comparing ") }, said)
        XCTAssertTrue(line.hasSuffix(", \(threads)"), String(line))
    }
}
