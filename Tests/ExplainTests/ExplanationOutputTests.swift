import XCTest
import Foundation
import CBAMKit
import ImageCodecs

/// What `cbam attention` writes, from a tiny saved model: maps at each image's size and
/// in range, PNGs the project's decoder reads, a JSON report with every block's Mc.
final class ExplanationOutputTests: XCTestCase {
    var folder: URL!

    override func setUp() { folder = TinyModels.temporaryFolder() }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testEveryMapHasTheImageSizeAndEveryFileDecodes() throws {
        let model = try TinyModels.saved(.cbam, in: folder)
        let explainer = try Explainer(model: model, methods: [.spatial, .gradcam])
        XCTAssertEqual(explainer.layers.map(\.layer), ["layer1.0", "layer2.0", "layer3.0", "layer3"])
        let images = [TinyModels.noiseImage(width: 23, height: 9, channels: 3), TinyModels.noiseImage(width: 16, height: 40, channels: 1)]
        let explanations = explainer.explain(images)
        XCTAssertEqual(explanations.count, 2)
        let writer = ExplanationWriter(classNames: model.classNames, modelName: "cbam.safetensors")
        for (index, (image, explanation)) in zip(images, explanations).enumerated() {
            XCTAssertEqual(explanation.probabilities.reduce(0, +), 1, accuracy: 1e-5)
            let files = ExplanationFiles(folder: folder, stem: "image\(index)", layers: explainer.layers)
            let report = try writer.write(explanation, of: image, imagePath: "image\(index).png", to: files)

            for (method, layer) in explainer.layers {
                let mask = try Image(contentsOf: files.mask(method: method, layer: layer).path)
                XCTAssertEqual([mask.width, mask.height, mask.channels], [image.width, image.height, 1], "\(layer) \(method)")
                let heat = try Image(contentsOf: files.heatMap(method: method, layer: layer).path)
                XCTAssertEqual([heat.width, heat.height, heat.channels], [image.width, image.height, 3], "\(layer) \(method)")
            }
            for map in explanation.maps {
                let full = map.map.resized(width: image.width, height: image.height)
                XCTAssertTrue(full.values.allSatisfy { (0...1).contains($0) }, "\(map.layer) \(map.method)")
                if map.method == .spatial { XCTAssertTrue(map.map.values.allSatisfy { $0 > 0 && $0 < 1 }, "Ms is a sigmoid") }
            }
            let overview = try Image(contentsOf: files.overview.path)
            XCTAssertGreaterThan(overview.width, 5 * 192, "the input and four maps side by side")

            // The report parses as plain JSON too, with one Mc per CBAM block of the block's width.
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: files.report)) as! [String: Any]
            let blocks = json["blocks"] as! [[String: Any]]
            XCTAssertEqual(blocks.map { $0["block"] as! String }, ["layer1.0", "layer2.0", "layer3.0"])
            XCTAssertEqual(blocks.map { ($0["channelAttention"] as! [Double]).count }, [4, 8, 16])
            XCTAssertEqual((json["probabilities"] as! [Double]).count, 3)
            XCTAssertEqual(try JSONDecoder().decode(AttentionReport.self, from: Data(contentsOf: files.report)), report)
            XCTAssertEqual(report.predicted.index, explanation.predicted)
            XCTAssertEqual(report.maps.last?.explainedLabel, model.classNames[explanation.predicted])
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("image") }
        XCTAssertEqual(Set(written), Set(["image0", "image1"].flatMap { stem in
            ExplanationFiles(folder: folder, stem: stem, layers: explainer.layers).all.map(\.lastPathComponent)
        }))
    }

    func testGradCAMExplainsTheAskedClass() throws {
        let model = try TinyModels.saved(.se, in: folder)
        let explainer = try Explainer(model: model, methods: [.gradcam], targetClass: 1)
        let explanation = explainer.explain([TinyModels.noiseImage(width: 16, height: 16, channels: 3)])[0]
        XCTAssertEqual(explanation.maps.map(\.explainedClass), [1])
        XCTAssertTrue(explanation.channelAttention.isEmpty, "an SE model has no CBAM blocks")
    }

    func testSpatialMethodOnAModelWithoutCBAMSaysWhichMethodsApply() throws {
        let model = try TinyModels.saved(.plain, in: folder)
        XCTAssertThrowsError(try Explainer(model: model, methods: [.spatial])) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("no CBAM blocks"), message)
            XCTAssertTrue(message.contains("methods that apply: gradcam"), message)
        }
    }

    func testViTRolloutMapsThePatchGridAndIsTheOnlyMethod() throws {
        let model = try TinyModels.saved(.vit, in: folder)
        XCTAssertEqual(ExplanationMethod.available(for: model.network), [.rollout])
        XCTAssertThrowsError(try Explainer(model: model, methods: [.gradcam])) { error in
            XCTAssertTrue(String(describing: error).contains("methods that apply: rollout"), "\(error)")
        }
        let explainer = try Explainer(model: model, methods: [.rollout])
        let images = [TinyModels.noiseImage(width: 20, height: 12, channels: 3), TinyModels.noiseImage(width: 16, height: 16, channels: 3, seed: 2)]
        for explanation in explainer.explain(images) {
            let map = try XCTUnwrap(explanation.maps.first).map
            XCTAssertEqual([map.width, map.height], [4, 4], "16×16 input, 4×4 patches")
            XCTAssertEqual(map.values.max(), 1)
            XCTAssertTrue(map.values.allSatisfy { $0 > 0 && $0 <= 1 })
        }
        let files = ExplanationFiles(folder: folder, stem: "vit", layers: explainer.layers)
        let writer = ExplanationWriter(classNames: model.classNames, modelName: "vit.safetensors")
        _ = try writer.write(explainer.explain([images[0]])[0], of: images[0], imagePath: "vit.png", to: files)
        let heat = try Image(contentsOf: files.heatMap(method: .rollout, layer: "blocks").path)
        XCTAssertEqual([heat.width, heat.height], [20, 12])
    }

    /// Issue 13: names come from the image's stem always; a collision gets -2, -3, never `img.jpg_`.
    func testStemsAreTheImagesStemsWithACounterOnCollisions() {
        XCTAssertEqual(ExplanationFiles.stems(for: ["a/shoe.png", "b/bag.jpg"]), ["shoe", "bag"])
        XCTAssertEqual(ExplanationFiles.stems(for: ["a/cat_001.png", "b/cat_001.jpg", "c/cat_001.png"]), ["cat_001", "cat_001-2", "cat_001-3"])
        XCTAssertEqual(ExplanationFiles.stems(for: ["a/x.png", "b/x-2.png", "c/x.png"]), ["x", "x-2", "x-3"])
        let files = ExplanationFiles(folder: folder, stem: "cat_001", layers: [(.spatial, "layer1.0")])
        XCTAssertEqual(files.overview.lastPathComponent, "cat_001_overview.png")
    }

    /// --normalise: min–max masks and heat maps beside the absolute ones, the report giving
    /// each map's range, so a gate near 0.5 everywhere shows its contrast.
    func testNormalisedMapsStretchMinToMaxBesideTheAbsoluteOnes() throws {
        let stretched = ScalarMap(width: 3, height: 1, values: [0.49, 0.5, 0.51]).normalisedMinMax()
        XCTAssertEqual(stretched.values[0], 0, accuracy: 1e-5)
        XCTAssertEqual(stretched.values[1], 0.5, accuracy: 1e-3)
        XCTAssertEqual(stretched.values[2], 1, accuracy: 1e-5)
        XCTAssertEqual(ScalarMap(width: 2, height: 1, values: [0.5, 0.5]).normalisedMinMax().values, [0, 0])

        // The official initialisation opens every spatial gate at exactly 0.5 (its BN's γ = 0): give the gates some contrast.
        let configuration = TinyModels.configuration(.cbam)
        let network = configuration.makeModel(seed: 3)
        for (key, parameter) in network.parameters where key.hasSuffix("SpatialGate.spatial.bn.weight") {
            parameter.value = Tensor(shape: parameter.shape, values: [Float](repeating: 1, count: parameter.value.count))
        }
        let url = folder.appendingPathComponent("gated.safetensors")
        try ModelFile.save(network, metadata: ModelMetadata(configuration: configuration, classNames: TinyModels.classNames,
                                                            mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]), to: url)
        let model = try TrainedModel(contentsOf: url)
        let explainer = try Explainer(model: model, methods: [.spatial])
        let image = TinyModels.noiseImage(width: 24, height: 18, channels: 3)
        let files = ExplanationFiles(folder: folder, stem: "noise", layers: explainer.layers, normalised: true)
        let report = try ExplanationWriter(classNames: model.classNames, modelName: "cbam.safetensors")
            .write(explainer.explain([image])[0], of: image, imagePath: "noise.png", to: files)
        for map in report.maps {
            XCTAssertEqual(map.normalisedMask, "noise_\(map.layer)_spatial_mask_normalised.png")
            XCTAssertLessThan(map.minimum, map.maximum)
            let absolute = try Image(contentsOf: folder.appendingPathComponent(map.mask).path)
            let normalised = try Image(contentsOf: folder.appendingPathComponent(map.normalisedMask!).path)
            XCTAssertEqual([normalised.pixels.min(), normalised.pixels.max()], [0, 255], "stretched to the full range")
            XCTAssertLessThanOrEqual(Int(absolute.pixels.max()!) - Int(absolute.pixels.min()!), 255)
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(map.normalisedHeatMap!).path))
        }
        XCTAssertEqual(files.all.count, 4 * explainer.layers.count + 2)
    }
}
