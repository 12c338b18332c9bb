import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs
import XCTest
@testable import cbam

/// `cbam export` in-process: every kind of network exported, checked with
/// `onnx.checker` and run in onnxruntime on real images (the committed Fashion-MNIST
/// sample and a photo), batch 1 and batch 7, against cbam's own forward.
final class ExportTests: TemporaryFolderTestCase {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    private static let sample = repository.appendingPathComponent("Datasets/sample/fashion-mnist/test")

    /// The sample's class names, and seven real images: one per class of the first six, and the photo.
    private static func classesAndImages() throws -> (classes: [String], images: [Image]) {
        let classes = try FileManager.default.contentsOfDirectory(atPath: sample.path).filter { !$0.hasPrefix(".") }.sorted()
        var images = try classes.prefix(6).map { name -> Image in
            let folder = sample.appendingPathComponent(name)
            let first = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }.sorted()[0]
            return try Image(contentsOf: folder.appendingPathComponent(first).path)
        }
        images.append(try Image(contentsOf: repository.appendingPathComponent("Datasets/sample/sneaker.jpg").path))
        return (classes, images)
    }

    /// A model file of `configuration` whose every number matters: one training-mode pass
    /// on real images moves BatchNorm's running statistics, then every 1-D parameter
    /// (BatchNorm γ and β, biases, LayerNorm) is shifted, so the spatial gate's γ is no
    /// longer 0 and the folded BatchNorms are not identities.
    private func modelFile(_ configuration: ModelConfiguration, classes: [String], images: [Image]) throws -> URL {
        let network = configuration.makeModel(seed: 7)
        let preprocessing = Preprocessing(channels: configuration.channels, imageSize: configuration.imageSize,
                                          mean: Array(repeating: 0.3, count: configuration.channels),
                                          std: Array(repeating: 0.35, count: configuration.channels))
        _ = network.forward(preprocessing.batch(images), .training)
        var generator = RandomGenerator(seed: 11)
        for (_, parameter) in network.parameters where parameter.shape.count == 1 {
            parameter.value.assign(parameter.value.scalars.map { $0 + 0.6 * (generator.nextUniform() - 0.5) })
        }
        let url = folder.appendingPathComponent("\(configuration.architecture.rawValue)-\(configuration.attention.rawValue).safetensors")
        let metadata = ModelMetadata(configuration: configuration, classNames: Array(classes.prefix(configuration.classes)),
                                     mean: preprocessing.mean, std: preprocessing.std)
        try ModelFile.save(network, metadata: metadata, to: url)
        return url
    }

    private func export(_ model: URL, _ options: [String] = []) throws -> URL {
        let out = folder.appendingPathComponent(model.deletingPathExtension().lastPathComponent + "\(options.joined()).onnx")
        var command = try CBAM.parseAsRoot(["export", model.path, "--out", out.path] + options)
        try command.run()
        return out
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-4, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        let worst = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, "\(what): largest difference \(worst)", file: file, line: line)
    }

    /// Exports `configuration`'s model and compares onnxruntime's logits and probabilities
    /// with cbam's on batch 7 and batch 1; with `attention`, also every CBAM block's Ms and Mc.
    private func checkExport(_ configuration: ModelConfiguration, attention: Bool = false, options: [String] = [],
                             tolerance: Float = 1e-4) throws {
        let (classes, images) = try Self.classesAndImages()
        let model = try modelFile(configuration, classes: classes, images: images)
        let onnx = try export(model, options + (attention ? ["--attention-outputs"] : []))
        let trained = try TrainedModel(contentsOf: model)
        let batches = [trained.preprocessing.batch(images), trained.preprocessing.batch([images[0]])]
        let result = try ONNXRuntime.run(onnx, batches: batches.map(\.scalars), channels: configuration.channels,
                                         imageSize: configuration.imageSize, in: folder)
        let name = "\(configuration.name) \(options.joined(separator: " "))"
        for (batch, run) in zip(batches, result.runs) {
            let n = batch.shape[0]
            let logits = trained.network.forward(batch, .explaining)
            XCTAssertEqual(run["logits"]?.shape, [n, configuration.classes], name)
            assertClose(run["logits"]!.values, logits.scalars, tolerance: tolerance, "\(name) logits, batch \(n)")
            assertClose(run["probabilities"]!.values, TrainedModel.softmaxRows(logits).flatMap { $0 }, tolerance: tolerance,
                        "\(name) probabilities, batch \(n)")
            let blocks = BlockAttention.read(from: trained.network)
            XCTAssertEqual(run.count, 2 + (attention ? 2 * blocks.count : 0), "\(name): outputs \(run.keys.sorted())")
            for block in blocks where attention {
                let ms = run["\(block.block).cbam.Ms"]!, mc = run["\(block.block).cbam.Mc"]!
                XCTAssertEqual(ms.shape, [n, 1, block.spatial[0].height, block.spatial[0].width], "\(block.block) Ms")
                assertClose(ms.values, block.spatial.flatMap(\.values), tolerance: tolerance, "\(name) \(block.block) Ms, batch \(n)")
                assertClose(mc.values, block.channel.flatMap { $0 }, tolerance: tolerance, "\(name) \(block.block) Mc, batch \(n)")
            }
        }
        XCTAssertEqual(result.metadata["classes"], trained.metadata.strings["classes"])
        XCTAssertEqual(result.metadata["mean"], "[0.3" + String(repeating: ", 0.3", count: configuration.channels - 1) + "]")
        XCTAssertEqual(result.metadata["image_size"], String(configuration.imageSize))
        XCTAssertEqual(result.metadata["transform"], "fit-whole")
    }

    func testResNetSmallPlainSEAndCBAMRunInONNXRuntime() throws {
        for attention in AttentionKind.allCases {
            try checkExport(ModelConfiguration(architecture: .resnetSmall, attention: attention, channels: 1, imageSize: 28,
                                               classes: 10, width: 8, reduction: 4), attention: attention == .cbam)
        }
    }

    func testOfficialResNetsRunInONNXRuntime() throws {
        try checkExport(ModelConfiguration(architecture: .resnet18, attention: .cbam, channels: 3, imageSize: 32, classes: 5,
                                           width: 8, reduction: 4), attention: true)
        try checkExport(ModelConfiguration(architecture: .resnet18, attention: .se, channels: 3, imageSize: 32, classes: 5,
                                           width: 8, reduction: 4))
        try checkExport(ModelConfiguration(architecture: .resnet50, attention: .cbam, channels: 3, imageSize: 32, classes: 5,
                                           width: 4, reduction: 4), attention: true)
    }

    func testViTRunsInONNXRuntime() throws {
        try checkExport(ModelConfiguration(architecture: .vitTiny, attention: .none, channels: 3, imageSize: 16, classes: 10,
                                           width: 32, depth: 2, heads: 4))
    }

    /// A fixed batch of 7, the newest opset (Reduce ops take their axes as an input), and
    /// bfloat16 weights: their rounding (8 bits of mantissa) is all that may differ.
    func testFixedBatchNewestOpsetAndBFloat16Weights() throws {
        let configuration = ModelConfiguration(architecture: .resnetSmall, attention: .cbam, channels: 3, imageSize: 32, classes: 10,
                                               width: 8, reduction: 4)
        let (classes, images) = try Self.classesAndImages()
        let model = try modelFile(configuration, classes: classes, images: images)
        let onnx = try export(model, ["--batch", "7", "--opset", "\(ONNXExportOptions.opsets.upperBound)", "--attention-outputs"])
        let trained = try TrainedModel(contentsOf: model)
        let batch = trained.preprocessing.batch(images)
        let result = try ONNXRuntime.run(onnx, batches: [batch.scalars], channels: 3, imageSize: 32, in: folder)
        assertClose(result.runs[0]["logits"]!.values, trained.network.forward(batch, .inference).scalars, "fixed batch 7, newest opset")

        let bf16 = try export(model, ["--precision", "bf16"])
        let halved = try ONNXRuntime.run(bf16, batches: [batch.scalars], channels: 3, imageSize: 32, in: folder)
        assertClose(halved.runs[0]["probabilities"]!.values, TrainedModel.softmaxRows(trained.network.forward(batch, .inference)).flatMap { $0 },
                    tolerance: 0.05, "bf16 weights")
        let sizes = try [onnx, bf16].map { try FileManager.default.attributesOfItem(atPath: $0.path)[.size] as! Int }
        XCTAssertLessThan(Double(sizes[1]), 0.75 * Double(sizes[0]), "bf16 weights halve the weights' part of the file")
    }

    func testErrorsAreOneLine() throws {
        let (classes, images) = try Self.classesAndImages()
        let plain = try modelFile(ModelConfiguration(architecture: .resnetSmall, attention: .none, channels: 1, imageSize: 28,
                                                     classes: 10, width: 4), classes: classes, images: images)
        func message(_ arguments: [String]) -> String {
            do {
                var command = try CBAM.parseAsRoot(["export", plain.path] + arguments)
                try command.run()
                return "no error"
            } catch {
                return CBAM.message(for: error)
            }
        }
        XCTAssertEqual(message(["--format", "tflite"]), "--format tflite: unknown export format; cbam exports onnx")
        XCTAssertEqual(message(["--batch", "0"]), "--batch 0: expected 'dynamic' or a batch size from 1 to 65536")
        XCTAssertEqual(message(["--opset", "16"]), "--opset 16: cbam writes opsets 17–22")
        XCTAssertEqual(message(["--out", "/proc/m.onnx"]), "--out /proc/m.onnx: cannot write in /proc: no such file or directory")
        XCTAssertEqual(message(["--out", plain.path]).components(separatedBy: ":").last,
                       " is the input file \(plain.path); writing it would replace the input (choose another output file)")
        let out = folder.appendingPathComponent("plain.onnx").path
        XCTAssertEqual(message(["--out", out]), "no error")
        XCTAssertEqual(message(["--out", out]), "--out \(out): exists already; pass --force to replace it")
        XCTAssertEqual(message(["--out", out, "--force"]), "no error")
        XCTAssertEqual(message(["--out", out, "--force", "--attention-outputs"]),
                       "resnet-small-none.safetensors: its network (plain) has no CBAM blocks; --attention-outputs needs a cbam model")
        XCTAssertEqual(message(["--force"]), "no error", "the default output, beside the model")
        XCTAssertTrue(FileManager.default.fileExists(atPath: plain.deletingPathExtension().appendingPathExtension("onnx").path))
        for text in [message(["--format", "x"]), message(["--out", out])] { XCTAssertFalse(text.contains("\n"), text) }
    }
}
