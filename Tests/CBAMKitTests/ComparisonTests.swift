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
        // One finding per model against CBAM, then the first epoch's spread over seeds.
        XCTAssertEqual(report.findings.count, Self.models.count)
        XCTAssertTrue(report.findings.dropLast().allSatisfy { $0.hasPrefix("CBAM ") }, "\(report.findings)")
        let firstEpoch = try XCTUnwrap(report.findings.last)
        func firstEpochs(_ model: ModelConfiguration.Kind) -> [Double] {
            report.runs.filter { $0.model == model }.sorted { $0.seed < $1.seed }.map { $0.history[0].validationAccuracy! * 100 }
        }
        for model in Self.models {
            let values = firstEpochs(model)
            let listed = values.map { String(format: "%.1f", $0) }.joined(separator: " / ")
            XCTAssertTrue(firstEpoch.contains("\(model.title) \(listed)% (" + String(format: "%.1f", values.max()! - values.min()!) + " points)"),
                          firstEpoch)
        }
        let (cbamWidth, seWidth) = (firstEpochs(.cbam).max()! - firstEpochs(.cbam).min()!, firstEpochs(.se).max()! - firstEpochs(.se).min()!)
        XCTAssertTrue(firstEpoch.hasSuffix(cbamWidth <= seWidth ? "CBAM's start is no wider than SE's." : "CBAM's start is wider than SE's."),
                      firstEpoch)
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
        XCTAssertTrue(quick.models.allSatisfy { $0.localisation == nil }, "no boxes, no localisation")
        XCTAssertFalse(quick.markdown.contains("Where each model looks"))

        // Boxes beside the validation images: each model's seed-0 run is scored on every map it has.
        let boxes = data.root.appendingPathComponent("boxes.csv").path
        let rows = split.validation.map { file in
            BoxedImage(file: String(file.path.dropFirst(data.root.path.count + 1)), className: split.classNames[file.label],
                       box: PixelBox(x: 0, y: 0, width: 12, height: 12), tightBox: PixelBox(x: 0, y: 0, width: 6, height: 12))
        }
        try BoxesFile.write(rows, to: boxes)
        let located = comparison()
        located.measuresInference = false
        located.localisationBoxes = (data.root.path, boxes)
        var localised: [ModelConfiguration.Kind] = []
        let withMaps = try XCTUnwrap(try located.run(command: "cbam compare test --no-bench", data: "synthetic", events: { event in
            if case let .localising(model, _, _) = event { localised.append(model) }
        }))
        XCTAssertEqual(localised, Self.models)
        let expectedMaps: [ModelConfiguration.Kind: [String]] = [
            .plain: ["Grad-CAM layer3"], .se: ["Grad-CAM layer3"], .vit: ["rollout blocks"],
            .cbam: ["spatial layer1.0", "spatial layer2.0", "spatial layer3.0", "Grad-CAM layer3"],
        ]
        for model in withMaps.models {
            let localisation = try XCTUnwrap(model.localisation, "\(model.model)")
            XCTAssertEqual(localisation.images, rows.count)
            XCTAssertEqual(localisation.boxShare, 0.5, accuracy: 1e-9)
            XCTAssertEqual(localisation.model, "\(model.model.rawValue)-seed0.safetensors")
            XCTAssertEqual(localisation.maps.map { "\($0.method.title) \($0.layer)" }, expectedMaps[model.model])
            for map in localisation.maps {
                XCTAssertEqual(map.massRatio, map.massInBox / 0.5, accuracy: 1e-9)
                XCTAssertTrue((0...1).contains(map.pointingHitRate))
                XCTAssertTrue(withMaps.markdown.contains("| \(model.model.title) | \(map.method.title) \(map.layer) | \(String(format: "%.2f", map.massInBox * 100))% |"),
                              withMaps.markdown)
            }
        }
        XCTAssertTrue(withMaps.markdown.contains("## Where each model looks"))
        XCTAssertTrue(try XCTUnwrap(withMaps.findings.last).hasPrefix("Mass on the object"), "\(withMaps.findings)")
        let decoded = try JSONDecoder().decode(ComparisonReport.self, from: JSONEncoder().encode(withMaps))
        XCTAssertEqual(decoded, withMaps)
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
