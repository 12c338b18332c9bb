import ArgumentParser
import CBAMKit
import XCTest
@testable import cbam

/// Every option set that used to crash a command (issue 10) is now a usage error that
/// names the option, exit status 64, raised while parsing: before any file is read.
final class OptionValidationTests: XCTestCase {
    /// The folder need not exist: parsing fails before anything reads it.
    private static let folder = "/nonexistent/images"

    private func assertUsageError(_ arguments: [String], naming option: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CBAM.parseAsRoot(arguments), "\(arguments)", file: file, line: line) { error in
            XCTAssertEqual(CBAM.exitCode(for: error).rawValue, 64, "\(arguments)", file: file, line: line)
            let message = CBAM.message(for: error)
            XCTAssertTrue(message.contains(option), "\(arguments): '\(message)' does not name \(option)", file: file, line: line)
        }
    }

    func testTheCrashingOptionSetsAreUsageErrors() {
        assertUsageError(["compare", Self.folder, "--models", "vit", "--image-size", "2"], naming: "--image-size")
        assertUsageError(["train", Self.folder, "--model", "vit", "--patch-size", "0"], naming: "--patch-size")
        assertUsageError(["train", Self.folder, "--model", "vit", "--heads", "0"], naming: "--heads")
        assertUsageError(["compare", Self.folder, "--batch-size", "0"], naming: "--batch-size")
        assertUsageError(["compare", Self.folder, "--width", "0"], naming: "--width")
        assertUsageError(["train", Self.folder, "--width", "999999999999"], naming: "--width")
        assertUsageError(["train", Self.folder, "--depth", "1000000000"], naming: "--depth")
        assertUsageError(["train", Self.folder, "--image-size", "100000"], naming: "--image-size")
        assertUsageError(["bench", "--model", "vit", "--image-size", "96", "--patch-size", "1"], naming: "--patch-size")
        assertUsageError(["bench", "attention", "--width", "0"], naming: "--width")
        assertUsageError(["evaluate", Self.folder, "--top-k", "0"], naming: "--top-k")
        assertUsageError(["convert", "a.png", "b.png", "--size", "100000"], naming: "--size")
        assertUsageError(["bench", "decode", "a.png", "--seconds", "nan"], naming: "--seconds")
        assertUsageError(["localise", Self.folder, "--batch-size", "0"], naming: "--batch-size")
        assertUsageError(["bench", "--against", "plain", "--profile"], naming: "--profile")
        assertUsageError(["bench", "--against", "vit", "--image-size", "96", "--patch-size", "1"], naming: "--patch-size")
    }

    /// `--arch` picks the ResNet for plain, se and cbam in train, compare and bench, with
    /// its own defaults (r = 16); the ViT, a depth that contradicts the architecture and
    /// an image too small for it are usage errors naming the option.
    func testTheArchitectureOption() throws {
        let bench = try XCTUnwrap(try CBAM.parseAsRoot(["bench", "--model", "se", "--arch", "resnet50"]) as? BenchNetwork)
        let model = try bench.benchedOptions().model
        XCTAssertEqual([model.architecture.rawValue, model.attention.rawValue], ["resnet50", "se"])
        XCTAssertEqual([model.width, model.depth, model.reduction], [64, 50, 16])
        XCTAssertEqual(try (CBAM.parseAsRoot(["bench", "--model", "cbam"]) as? BenchNetwork)?.benchedOptions().model.reduction, 8)
        XCTAssertNoThrow(try CBAM.parseAsRoot(["train", Self.folder, "--arch", "resnet18", "--model", "plain", "--width", "16"]))
        XCTAssertNoThrow(try CBAM.parseAsRoot(["compare", Self.folder, "--arch", "resnet101", "--models", "plain,cbam"]))
        assertUsageError(["train", Self.folder, "--arch", "resnet18", "--model", "vit"], naming: "--arch")
        assertUsageError(["compare", Self.folder, "--arch", "resnet34", "--models", "cbam,vit"], naming: "--arch")
        assertUsageError(["bench", "--arch", "vit-tiny"], naming: "--arch")
        assertUsageError(["train", Self.folder, "--arch", "resnet50", "--depth", "3"], naming: "--depth")
        assertUsageError(["bench", "--arch", "resnet18", "--image-size", "28"], naming: "--image-size")
    }

    /// train and compare take the same sizes: one accepts exactly what the other does.
    func testTrainAndCompareAcceptTheSameSizes() {
        let sizes: [[String]] = [
            ["--image-size", "8"], ["--image-size", "7"], ["--image-size", "2048"], ["--width", "1"],
            ["--width", "4097"], ["--depth", "0"], ["--reduction", "0"], ["--batch-size", "1"], ["--batch-size", "2"],
            ["--crop-padding", "40"], ["--val-split", "0.99"], ["--lr", "-1"], ["--warmup-epochs", "16"],
            ["--label-smoothing", "1"], ["--channels", "1"], ["--channels", "4"], ["--cache-mb", "-1"],
        ]
        for extra in sizes {
            for model in ["plain", "vit"] {
                let train = (try? CBAM.parseAsRoot(["train", Self.folder, "--model", model, "--epochs", "10"] + extra)) != nil
                let compare = (try? CBAM.parseAsRoot(["compare", Self.folder, "--models", model, "--epochs", "10"] + extra)) != nil
                XCTAssertEqual(train, compare, "\(model) \(extra): train \(train ? "accepts" : "refuses"), compare \(compare ? "accepts" : "refuses")")
            }
        }
    }

    /// bench trains with the model's documented optimiser, not a drifted copy of it, in
    /// the precision training defaults to (auto).
    func testBenchTrainsWithTheDocumentedDefaults() throws {
        for kind in ModelConfiguration.Kind.allCases {
            let bench = try XCTUnwrap(try CBAM.parseAsRoot(["bench", "--model", kind.rawValue]) as? BenchNetwork)
            let options = try bench.benchedOptions()
            var documented = TrainingOptions.defaults(for: ModelConfiguration(kind: kind), epochs: 1)
            documented.precision = try PrecisionChoice.auto.resolved()
            XCTAssertEqual(options, documented, "\(kind)")
        }
    }
}
