import CBAMKit
import Foundation
import XCTest

/// A module with whatever parameters and buffers a test needs.
private final class StubModule: Module {
    let parameters: [(key: String, parameter: Parameter)]
    let buffers: [(key: String, tensor: Tensor)]

    init(parameters: [String: [Int]], buffers: [String: [Int]]) {
        var random = RandomGenerator(seed: 7)
        func filled(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in random.nextNormal() })
        }
        self.parameters = parameters.sorted { $0.key < $1.key }.map { ($0.key, Parameter(filled($0.value))) }
        self.buffers = buffers.sorted { $0.key < $1.key }.map { ($0.key, filled($0.value)) }
    }

    /// A small network's worth of keys; the batch counter kept as [1], as our BatchNorm does.
    static func small() -> StubModule {
        StubModule(parameters: ["conv1.weight": [4, 3, 3, 3], "bn1.weight": [4], "bn1.bias": [4],
                                "fc.weight": [2, 4], "fc.bias": [2]],
                   buffers: ["bn1.running_mean": [4], "bn1.running_var": [4], "bn1.num_batches_tracked": [1]])
    }
}

final class ModelFileTests: XCTestCase {
    private let metadata = ModelMetadata(
        configuration: ModelConfiguration(kind: .cbam, channels: 3, imageSize: 32, classes: 3),
        classNames: ["cat", "dog", "t-shirt/top"], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
        extra: ["epoch": "12"])

    private func bits(_ module: Module) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: module.state.map { ($0.key, FileTestSupport.bits($0.tensor)) })
    }

    func testSaveReadLoadRoundTrip() throws {
        let saved = StubModule.small()
        saved.buffers.first { $0.key == "bn1.num_batches_tracked" }!.tensor.data[0] = 938
        let url = try FileTestSupport.temporaryFolder(for: self).appendingPathComponent("model.safetensors")
        try ModelFile.save(saved, metadata: metadata, to: url)
        if let export = ProcessInfo.processInfo.environment["CBAM_EXPORT_TEST_MODEL"] {  // for checking in PyTorch by hand
            try ModelFile.save(saved, metadata: metadata, to: URL(fileURLWithPath: export))
        }

        let (readMetadata, tensors) = try ModelFile.read(url)
        XCTAssertEqual(readMetadata, metadata)
        let loaded = StubModule.small()
        XCTAssertNotEqual(bits(loaded), bits(saved))
        try ModelFile.load(tensors, into: loaded, fileName: url.lastPathComponent)
        XCTAssertEqual(bits(loaded), bits(saved))

        // PyTorch's types and shapes: the counter an int64 scalar, the rest float32.
        let raw = try SafeTensors(contentsOf: url)
        XCTAssertEqual(raw.dtypes["bn1.num_batches_tracked"], .i64)
        XCTAssertEqual(raw.tensors["bn1.num_batches_tracked"]?.shape, [])
        XCTAssertEqual(raw.dtypes.values.filter { $0 == .f32 }.count, 7)
        XCTAssertEqual(raw.metadata["classes"], #"["cat","dog","t-shirt/top"]"#)
        XCTAssertEqual(raw.metadata["mean"], "[0.485, 0.456, 0.406]")
        XCTAssertEqual(raw.metadata["image_size"], "32")
    }

    /// The PyTorch fixture: metadata as make_fixtures.py writes it, and its state_dict
    /// (scalar counters included) loads into a module with the same keys.
    func testReadsAndLoadsThePyTorchFixture() throws {
        let url = try FileTestSupport.fixture("resnet_cbam.safetensors")
        let (metadata, tensors) = try ModelFile.read(url)
        let configuration = metadata.configuration
        XCTAssertEqual(configuration.architecture, .resnetSmall)
        XCTAssertEqual(configuration.attention, .cbam)
        XCTAssertEqual([configuration.width, configuration.depth, configuration.reduction, configuration.channels,
                        configuration.imageSize], [8, 1, 8, 3, 16])
        XCTAssertEqual(metadata.classNames, ["c0", "c1", "c2", "c3", "c4"])
        XCTAssertEqual(metadata.mean, [0, 0, 0])
        XCTAssertEqual(metadata.std, [1, 1, 1])
        XCTAssertEqual(metadata.extra["generator"], "Tests/PyTorch/make_fixtures.py")

        // The state_dict: everything but the test data make_fixtures.py stores alongside.
        let testData = ["input", "labels", "grad.", "sgd.", "adamw.", "train.", "eval."]
        let state = tensors.filter { key, _ in !testData.contains { key == $0 || (key.hasPrefix($0) && $0.hasSuffix(".")) } }
        let isBuffer = { (key: String) in key.contains("running_") || key.hasSuffix("num_batches_tracked") }
        let module = StubModule(
            parameters: state.filter { !isBuffer($0.key) }.mapValues(\.shape),
            buffers: state.filter { isBuffer($0.key) }.mapValues { $0.shape == [] ? [1] : $0.shape })
        XCTAssertEqual(module.parameters.count, 50)
        try ModelFile.load(state, into: module, fileName: url.lastPathComponent)
        for (key, tensor) in module.state {
            XCTAssertEqual(FileTestSupport.bits(tensor), FileTestSupport.bits(state[key]!), key)
        }
    }

    func testMissingKey() throws {
        var tensors = Dictionary(uniqueKeysWithValues: StubModule.small().state.map { ($0.key, $0.tensor) })
        tensors["fc.bias"] = nil
        tensors["bn1.bias"] = nil
        FileTestSupport.assertFails("model.safetensors: 'bn1.bias' is missing (and 1 other); the file does not fit this model") {
            try ModelFile.load(tensors, into: StubModule.small(), fileName: "model.safetensors")
        }
    }

    func testUnexpectedKey() throws {
        var tensors = Dictionary(uniqueKeysWithValues: StubModule.small().state.map { ($0.key, $0.tensor) })
        tensors["layer1.0.se.fc.0.weight"] = Tensor.zeros([1, 4])
        FileTestSupport.assertFails("model.safetensors: 'layer1.0.se.fc.0.weight' is not a tensor of this model") {
            try ModelFile.load(tensors, into: StubModule.small(), fileName: "model.safetensors")
        }
    }

    func testShapeMismatchChangesNothing() throws {
        var tensors = Dictionary(uniqueKeysWithValues: StubModule.small().state.map { ($0.key, $0.tensor.copy()) })
        tensors["bn1.bias"]!.data[0] = 99
        tensors["conv1.weight"] = Tensor.zeros([8, 3, 3, 3])
        let module = StubModule.small()
        let before = bits(module)
        FileTestSupport.assertFails("model.safetensors: 'conv1.weight' has shape [8, 3, 3, 3], the model expects [4, 3, 3, 3]") {
            try ModelFile.load(tensors, into: module, fileName: "model.safetensors")
        }
        XCTAssertEqual(bits(module), before, "a failed load leaves the model as it was")
    }

    func testNotACBAMModel() throws {
        let folder = try FileTestSupport.temporaryFolder(for: self)
        let plain = folder.appendingPathComponent("plain.safetensors")
        try SafeTensors(tensors: ["w": Tensor.zeros([1])], metadata: ["framework": "pt"]).write(to: plain)
        FileTestSupport.assertFails("plain.safetensors: not a cbam model file (its metadata has no 'format')") {
            _ = try ModelFile.read(plain)
        }

        let future = folder.appendingPathComponent("future.safetensors")
        var strings = metadata.strings
        strings["format"] = "cbam-model-9"
        try SafeTensors(tensors: [:], metadata: strings).write(to: future)
        FileTestSupport.assertFails("future.safetensors: not a cbam model file this version reads: format 'cbam-model-9', expected 'cbam-model-1'") {
            _ = try ModelFile.read(future)
        }
    }

    func testBadMetadataValues() {
        var strings = metadata.strings
        strings["width"] = "wide"
        FileTestSupport.assertFails("m.safetensors: metadata 'width' is 'wide': expected an integer") {
            _ = try ModelMetadata(strings: strings, fileName: "m.safetensors")
        }
        strings = metadata.strings
        strings["mean"] = "0.5"
        FileTestSupport.assertFails("m.safetensors: metadata 'mean' is '0.5', expected a JSON array of numbers") {
            _ = try ModelMetadata(strings: strings, fileName: "m.safetensors")
        }
        strings = metadata.strings
        strings["std"] = "[0.5]"
        FileTestSupport.assertFails("m.safetensors: metadata 'std' has 1 values for 3 channels") {
            _ = try ModelMetadata(strings: strings, fileName: "m.safetensors")
        }
        strings["classes"] = nil
        FileTestSupport.assertFails("m.safetensors: the metadata has no 'classes'") {
            _ = try ModelMetadata(strings: strings, fileName: "m.safetensors")
        }
    }
}
