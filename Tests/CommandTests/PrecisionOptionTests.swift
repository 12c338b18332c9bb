import ArgumentParser
import CBAMKit
import OneDNN
import XCTest
@testable import cbam

/// `--precision`: training commands default to auto (bf16 where this CPU's bf16 outruns
/// fp32), the commands compared with PyTorch and onnxruntime to fp32; anything else
/// is a usage error naming the option.
final class PrecisionOptionTests: XCTestCase {
    private let auto = AutomaticPrecision.measured.precision

    func testTrainingDefaultsToAutoAndInferenceToFP32() throws {
        let bench = try XCTUnwrap(try CBAM.parseAsRoot(["bench", "--model", "cbam"]) as? BenchNetwork)
        XCTAssertEqual(try bench.benchedOptions().precision, auto)
        let fp32 = try XCTUnwrap(try CBAM.parseAsRoot(["bench", "--precision", "fp32"]) as? BenchNetwork)
        XCTAssertEqual(try fp32.benchedOptions().precision, .fp32)
        let train = try XCTUnwrap(try CBAM.parseAsRoot(["train", "/nonexistent"]) as? Train)
        XCTAssertEqual(try train.setup.options(.cbam, epochs: 1, seed: 0, channels: 3, classes: 2).precision, auto)
        let compare = try XCTUnwrap(try CBAM.parseAsRoot(["compare", "/nonexistent", "--precision", "fp32"]) as? Compare)
        XCTAssertEqual(try compare.setup.options(.se, epochs: 1, seed: 0, channels: 3, classes: 2).precision, .fp32)
        XCTAssertEqual((try CBAM.parseAsRoot(["classify", "x.png"]) as? Classify)?.modelChoice.precision, .fp32)
        XCTAssertEqual((try CBAM.parseAsRoot(["evaluate", "/nonexistent"]) as? Evaluate)?.modelChoice.precision, .fp32)
        XCTAssertEqual((try CBAM.parseAsRoot(["attention", "x.png"]) as? Attention)?.modelChoice.precision, .fp32)
        XCTAssertEqual((try CBAM.parseAsRoot(["localise", "/nonexistent"]) as? Localise)?.modelChoice.precision, .fp32)
        XCTAssertEqual((try CBAM.parseAsRoot(["classify", "x.png", "--precision", "auto"]) as? Classify)?.modelChoice.precision, .auto)
    }

    func testAnUnknownPrecisionIsAUsageError() {
        for command in [["bench"], ["train", "/nonexistent"], ["classify", "x.png"]] {
            XCTAssertThrowsError(try CBAM.parseAsRoot(command + ["--precision", "fp16"])) { error in
                XCTAssertEqual(CBAM.exitCode(for: error).rawValue, 64)
                XCTAssertTrue(CBAM.message(for: error).contains("--precision"), CBAM.message(for: error))
            }
        }
    }

    func testAutoIsBF16OnlyWhereItOutrunsFP32() {
        XCTAssertEqual(AutomaticPrecision(bf16Speedup: nil).precision, .fp32)
        XCTAssertEqual(AutomaticPrecision(bf16Speedup: 0.55).precision, .fp32, "native bf16 at the FMA's rate")
        XCTAssertEqual(AutomaticPrecision(bf16Speedup: 1.05).precision, .fp32, "a gain the conversions take back")
        XCTAssertEqual(AutomaticPrecision(bf16Speedup: 1.9).precision, .bf16)
        XCTAssertEqual(AutomaticPrecision(bf16Speedup: 1.9).reason, "bf16 convolutions 1.90× fp32's speed on this CPU")
        XCTAssertEqual(AutomaticPrecision(bf16Speedup: nil).reason, "no native bf16 on this CPU")
    }

    /// The probe runs where bf16 is native and gives a plausible ratio (the two differ at
    /// most a few times, either way); the header says what it measured.
    func testAutoIsMeasuredWhereBF16IsNativeAndTheRunSaysWhy() {
        let measured = AutomaticPrecision.measured
        if Precision.hasNativeBF16 {
            let speedup = try! XCTUnwrap(measured.bf16Speedup)
            XCTAssertTrue(speedup > 0.1 && speedup < 10, "\(speedup)")
        } else {
            XCTAssertNil(measured.bf16Speedup)
        }
        XCTAssertEqual(PrecisionChoice.auto.described(measured.precision), "\(measured.precision.rawValue) (auto: \(measured.reason))")
        XCTAssertEqual(PrecisionChoice.fp32.described(.fp32), "fp32")
        if let speedup = measured.bf16Speedup {
            XCTAssertEqual(PrecisionChoice.bf16.described(.bf16).contains("slower than fp32 here"), speedup < 1)
        }
    }

    /// The profile's bf16 peak is measured exactly where the CPU has bf16 dot products,
    /// and is of the FP32 peak's order (on one thread, so that the test stays short).
    func testTheBF16PeakIsMeasuredWhereBF16IsNative() throws {
        let fp32 = MachinePeak.fp32GFLOPs(threads: 1)
        XCTAssertGreaterThan(fp32, 1)
        guard Precision.hasNativeBF16 else { return XCTAssertNil(MachinePeak.bf16GFLOPs(threads: 1)) }
        let bf16 = try XCTUnwrap(MachinePeak.bf16GFLOPs(threads: 1))
        XCTAssertTrue(bf16 > fp32 / 4 && bf16 < fp32 * 4, "bf16 \(bf16), fp32 \(fp32) GFLOP/s")
    }

    func testBF16WithoutNativeSupportIsRefusedByName() throws {
        guard !Precision.hasNativeBF16 else {
            XCTAssertEqual(try PrecisionChoice.bf16.resolved(), .bf16)
            return
        }
        XCTAssertThrowsError(try PrecisionChoice.bf16.resolved()) { XCTAssertTrue("\($0)".contains("native bf16"), "\($0)") }
    }
}
