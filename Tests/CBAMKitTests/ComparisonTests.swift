import XCTest
import ImageCodecs
import CBAMKit

/// `cbam compare` end to end on a tiny generated data set: two epochs, two seeds.
final class ComparisonTests: XCTestCase {
    func testComparisonReportsEveryModelAndResumesFromFinishedRuns() throws {
        let data = try SyntheticImageFolder(perClass: 8)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-compare-\(UUID().uuidString)")
        defer {
            data.remove()
            try? FileManager.default.removeItem(at: out)
        }
        let split = try DataSplit(root: data.root.path, validationShare: 0.25, seed: 0)
        let training = ImageSet.load(split.training, imageSize: 12, channels: nil, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        let validation = ImageSet.load(split.validation, imageSize: 12, channels: 3, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        func comparison() -> Comparison {
            let comparison = Comparison(models: Self.models, seeds: [0, 1], classNames: split.classNames,
                                        training: training, validation: validation, directory: out) { kind, seed in
                var configuration = ModelConfiguration(kind: kind, channels: training.channels, imageSize: 12,
                                                       classes: split.classNames.count)
                configuration.width = configuration.architecture == .vitTiny ? 8 : 4
                configuration.depth = 1
                configuration.heads = 2
                var options = TrainingOptions.defaults(for: configuration, epochs: 2, seed: seed)
                options.batchSize = 6
                return options
            }
            comparison.benchmarkSettings = { benchmark in
                benchmark.options.batchSize = 8
                benchmark.inferenceBatch = 8
                benchmark.rounds = 1
                benchmark.latencyRounds = 3
            }
            return comparison
        }
        var started = 0
        var benchmarks: [Bool] = []   // cached or not, per model
        let report = try XCTUnwrap(try comparison().run(command: "cbam compare test", data: "synthetic", events: { event in
            if case .runStarted = event { started += 1 }
            if case let .benchmarking(_, _, _, cached) = event { benchmarks.append(cached) }
        }))
        XCTAssertEqual(benchmarks, Array(repeating: false, count: Self.models.count), "each model's benchmark announced, measured")
        XCTAssertEqual(started, Self.models.count * 2)
        XCTAssertEqual(report.models.map(\.model), Self.models)
        XCTAssertEqual(report.runs.count, Self.models.count * 2)
        XCTAssertEqual(report.trainingImages, 18)
        for model in report.models {
            XCTAssertEqual(model.seeds, 2)
            XCTAssertGreaterThan(model.parameters, 0)
            XCTAssertGreaterThan(model.mflopsPerImage, 0)
            XCTAssertGreaterThan(model.trainImagesPerSecond, 0)
            XCTAssertGreaterThan(try XCTUnwrap(model.inferImagesPerSecond), 0)
            XCTAssertGreaterThan(try XCTUnwrap(model.latencyMilliseconds), 0)
            XCTAssertGreaterThan(model.wallSeconds, 0)
            XCTAssertEqual(model.accuracyByEpochMean.count, 2)
            XCTAssertEqual(model.accuracyByEpochStd.count, 2)
            let bests = report.runs.filter { $0.model == model.model }.map(\.bestValidationAccuracy)
            XCTAssertEqual(model.bestAccuracyMean, bests.reduce(0, +) / 2, accuracy: 1e-12)
            XCTAssertEqual(model.bestAccuracyStd, abs(bests[0] - bests[1]) / 2.squareRoot(), accuracy: 1e-12)
        }
        // The same seed gives the same run whatever the model order; different seeds differ.
        let cbamRuns = report.runs.filter { $0.model == .cbam }
        XCTAssertNotEqual(cbamRuns[0].options.seed, cbamRuns[1].options.seed)
        XCTAssertEqual(report.findings.count, Self.models.count - 1)
        XCTAssertTrue(report.findings.allSatisfy { $0.hasPrefix("CBAM ") }, "\(report.findings)")
        XCTAssertTrue(report.markdown.contains("| model | parameters | forward MFLOPs/image | training images/s |"))

        // The report's JSON has the documented keys, and the plot decodes.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as! [String: Any]
        let first = (json["models"] as! [[String: Any]])[0]
        for key in ["parameters", "mflops_per_image", "train_images_per_s", "infer_images_per_s", "latency_ms",
                    "wall_seconds_per_run", "best_val_accuracy_mean", "best_val_accuracy_std"] {
            XCTAssertNotNil(first[key], key)
        }
        let plot = out.appendingPathComponent("accuracy.png").path
        try AccuracyFigure.write(report, to: plot)
        let image = try Image(contentsOf: plot)
        XCTAssertGreaterThan(image.width, 100)
        XCTAssertEqual(image.channels, 3)

        // Run again: every run is read back, none trained, and the benchmarks too.
        started = 0
        benchmarks = []
        var reused = 0
        let again = try XCTUnwrap(try comparison().run(command: "cbam compare test", data: "synthetic", events: { event in
            if case .runStarted = event { started += 1 }
            if case .runReused = event { reused += 1 }
            if case let .benchmarking(_, _, _, cached) = event { benchmarks.append(cached) }
        }))
        XCTAssertEqual(started, 0)
        XCTAssertEqual(reused, Self.models.count * 2)
        XCTAssertEqual(again.runs, report.runs)
        XCTAssertEqual(benchmarks, Array(repeating: true, count: Self.models.count), "the benchmarks are read back")
        XCTAssertEqual(again.models.map(\.inferImagesPerSecond), report.models.map(\.inferImagesPerSecond))

        // --no-bench: no benchmark, the columns left empty.
        let unmeasured = comparison()
        unmeasured.measuresInference = false
        benchmarks = []
        let quick = try XCTUnwrap(try unmeasured.run(command: "cbam compare test --no-bench", data: "synthetic", events: { event in
            if case let .benchmarking(_, _, _, cached) = event { benchmarks.append(cached) }
        }))
        XCTAssertEqual(benchmarks, [])
        XCTAssertTrue(quick.models.allSatisfy { $0.inferImagesPerSecond == nil && $0.latencyMilliseconds == nil && $0.parameters > 0 })
        XCTAssertTrue(quick.markdown.contains("not measured, `--no-bench`"))
    }

    /// A comparison ranks by validation accuracy: without validation images it is refused
    /// before any run, instead of reporting 0 % for every model.
    func testAComparisonWithoutValidationImagesIsRefused() throws {
        let data = try SyntheticImageFolder(perClass: 4)
        let out = try FileTestSupport.temporaryFolder(for: self)
        defer { data.remove() }
        let split = try DataSplit(root: data.root.path, validationShare: 0, seed: 0)
        let training = ImageSet.load(split.training, imageSize: 12, channels: nil, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        let validation = ImageSet.load(split.validation, imageSize: 12, channels: 3, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        let comparison = Comparison(models: [.plain], seeds: [0], classNames: split.classNames, training: training,
                                    validation: validation, directory: out) { kind, seed in
            var options = TrainingOptions.defaults(for: ModelConfiguration(kind: kind, imageSize: 12, classes: 3), epochs: 1, seed: seed)
            options.batchSize = 6
            return options
        }
        XCTAssertThrowsError(try comparison.run(command: "cbam compare test", data: "synthetic")) { error in
            XCTAssertTrue("\(error)".hasPrefix("synthetic: has no validation images"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
    }

    static let models: [ModelConfiguration.Kind] = [.plain, .se, .cbam, .vit]
}
