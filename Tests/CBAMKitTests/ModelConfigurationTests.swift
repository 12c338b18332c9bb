import CBAMKit
import Foundation
import XCTest

/// The one model description: its counts agree with the networks it builds, and its
/// bounds refuse every size that used to crash a command (issue 10's cases).
final class ModelConfigurationTests: XCTestCase {
    private static let samples: [ModelConfiguration] = [
        ModelConfiguration(kind: .plain, channels: 1, imageSize: 28, classes: 10),
        ModelConfiguration(kind: .se, channels: 3, imageSize: 32, classes: 7),
        ModelConfiguration(kind: .cbam, channels: 3, imageSize: 33, classes: 3),
        ModelConfiguration(attention: .cbam, channels: 1, imageSize: 9, classes: 2, width: 5, depth: 3, reduction: 16),
        ModelConfiguration(attention: .se, channels: 3, imageSize: 16, classes: 4, width: 8, depth: 2, reduction: 100),
        ModelConfiguration(architecture: .resnet18, attention: .cbam, channels: 3, imageSize: 32, classes: 10, width: 8),
        ModelConfiguration(architecture: .resnet34, attention: .se, channels: 1, imageSize: 45, classes: 3, width: 4, reduction: 2),
        ModelConfiguration(architecture: .resnet50, attention: .cbam, channels: 3, imageSize: 33, classes: 5, width: 4, reduction: 4),
        ModelConfiguration(architecture: .resnet101, attention: .none, channels: 3, imageSize: 64, classes: 2, width: 2),
        ModelConfiguration(kind: .vit, channels: 3, imageSize: 32, classes: 10),
        ModelConfiguration(architecture: .vitTiny, attention: .none, channels: 1, imageSize: 12, classes: 5,
                           width: 12, depth: 2, patchSize: 3, heads: 3, mlpRatio: 3),
    ]

    func testCountsAgreeWithTheBuiltNetworks() throws {
        for configuration in Self.samples {
            try configuration.validate()
            let network = configuration.makeModel(seed: 1)
            XCTAssertEqual(configuration.parameterCount, network.parameterCount, "\(configuration)")
            XCTAssertEqual(configuration.stateCount, network.state.reduce(0) { $0 + $1.tensor.count }, "\(configuration)")
        }
    }

    /// DESIGN.md's reference networks at 3×32×32, 10 classes: the FLOPs `cbam bench` has
    /// always reported (the count the network objects made before it moved here).
    func testForwardFLOPsOfTheReferenceNetworks() {
        let flops = ModelConfiguration.Kind.allCases.map {
            ModelConfiguration(kind: $0, channels: 3, imageSize: 32, classes: 10).forwardFLOPsPerImage
        }
        XCTAssertEqual(flops, Self.referenceFLOPs)
    }

    /// The official ResNets at 3×224×224 and 1000 classes, counted from the fields alone:
    /// the plain ones have torchvision's parameter counts (the same networks), CBAM adds
    /// what the paper's Table 4 lists (ResNet-50 + CBAM: 28.09 M), and the multiply-adds
    /// torchvision lists (1.81 / 3.66 / 4.09 / 7.80 G).
    func testTheOfficialResNetsCountAsPublished() throws {
        func configuration(_ architecture: ModelConfiguration.Architecture, _ attention: AttentionKind) -> ModelConfiguration {
            ModelConfiguration(architecture: architecture, attention: attention, channels: 3, imageSize: 224, classes: 1000)
        }
        let torchvision: [ModelConfiguration.Architecture: (parameters: Int, gigaMultiplyAdds: Double)] = [
            .resnet18: (11_689_512, 1.81), .resnet34: (21_797_672, 3.66), .resnet50: (25_557_032, 4.09), .resnet101: (44_549_160, 7.80),
        ]
        for (architecture, published) in torchvision {
            let plain = configuration(architecture, .none)
            try plain.validate()
            XCTAssertEqual(plain.reduction, 16, "\(architecture): r = 16 as in the paper")
            XCTAssertEqual(plain.parameterCount, published.parameters, "\(architecture)")
            XCTAssertEqual(Double(plain.forwardFLOPsPerImage) / 2e9, published.gigaMultiplyAdds, accuracy: 0.02, "\(architecture)")
            try configuration(architecture, .cbam).validate()
        }
        XCTAssertEqual(Double(configuration(.resnet50, .cbam).parameterCount) / 1e6, 28.09, accuracy: 0.005)
        XCTAssertEqual(ModelConfiguration(kind: .cbam).reduction, 8, "resnet-small keeps r = 8")
    }

    /// The official ResNets fix their depth and need S ≥ 32; a contradicting depth is
    /// refused by name.
    func testTheOfficialResNetsBounds() {
        var configuration = ModelConfiguration(kind: .cbam, resnet: .resnet50)
        XCTAssertEqual(configuration.depth, 50)
        XCTAssertNoThrow(try configuration.validate())
        configuration.depth = 3
        XCTAssertThrowsError(try configuration.validate()) { error in
            XCTAssertEqual((error as? ModelConfiguration.Invalid)?.description,
                           "depth: 3 contradicts resnet50, whose depth is 50 (depth counts blocks per stage only for resnet-small)")
        }
        configuration = ModelConfiguration(kind: .se, resnet: .resnet18, imageSize: 28)
        XCTAssertThrowsError(try configuration.validate()) { XCTAssertEqual(($0 as? ModelConfiguration.Invalid)?.field, .imageSize) }
    }

    /// A model file stores an official ResNet's fields (its depth and r among them) and
    /// reads them back to the same configuration.
    func testAnOfficialResNetsMetadataRoundTrips() throws {
        let configuration = ModelConfiguration(architecture: .resnet50, attention: .se, channels: 3, imageSize: 64, classes: 2, width: 16)
        let metadata = ModelMetadata(configuration: configuration, classNames: ["a", "b"], mean: [0, 0, 0], std: [1, 1, 1])
        XCTAssertEqual(metadata.strings["architecture"], "resnet50")
        XCTAssertEqual(metadata.strings["depth"], "50")
        XCTAssertEqual(metadata.strings["reduction"], "16")
        XCTAssertEqual(try ModelMetadata(strings: metadata.strings, fileName: "m.safetensors").configuration, configuration)
        var strings = metadata.strings
        strings["depth"] = "18"
        FileTestSupport.assertFails("m.safetensors: metadata 'depth': 18 contradicts resnet50, whose depth is 50 (depth counts blocks per stage only for resnet-small)") {
            _ = try ModelMetadata(strings: strings, fileName: "m.safetensors")
        }
    }

    func testIssueTenCrashesAreRefusedByTheBounds() {
        func refusal(_ change: (inout ModelConfiguration) -> Void, kind: ModelConfiguration.Kind = .cbam) -> ModelConfiguration.Invalid? {
            var configuration = ModelConfiguration(kind: kind)
            change(&configuration)
            do { try configuration.validate(); return nil } catch { return error as? ModelConfiguration.Invalid }
        }
        XCTAssertEqual(refusal({ $0.imageSize = -4 }, kind: .vit)?.field, .imageSize)
        XCTAssertEqual(refusal({ $0.imageSize = 2 }, kind: .vit)?.field, .imageSize)
        XCTAssertEqual(refusal({ $0.imageSize = 100_000 })?.field, .imageSize)
        XCTAssertEqual(refusal({ $0.width = 999_999_999_999 })?.field, .width)
        XCTAssertEqual(refusal({ $0.width = 0 })?.field, .width)
        XCTAssertEqual(refusal({ $0.depth = 1_000_000_000 })?.field, .depth)
        XCTAssertEqual(refusal({ $0.patchSize = 0 }, kind: .vit)?.field, .patchSize)
        XCTAssertEqual(refusal({ $0.heads = 0 }, kind: .vit)?.field, .heads)
        XCTAssertEqual(refusal({ $0.heads = 5 }, kind: .vit)?.field, .heads)        // 96 is not a multiple of 5
        XCTAssertEqual(refusal({ $0.patchSize = 5 }, kind: .vit)?.field, .patchSize)  // 32 is not a multiple of 5
        XCTAssertEqual(refusal({ $0.channels = 2 })?.field, .channels)
        XCTAssertEqual(refusal({ $0.classes = 1 })?.field, .classes)
        // Each field within its bounds, the whole too large: refused by the parameter and memory limits.
        let tooWide = refusal { $0.width = 4096 }
        XCTAssertNotNil(tooWide)
        XCTAssertNil(tooWide?.field)
        let tooLarge = refusal { $0.imageSize = 2048; $0.width = 64 }
        XCTAssertNotNil(tooLarge)
        XCTAssertTrue(tooLarge?.reason.contains("MB per image") ?? false, "\(String(describing: tooLarge))")
        XCTAssertNil(refusal { _ in })
    }

    /// Metadata from a model file goes through the same bounds, with errors that name the
    /// file and the key, before any network is built.
    func testModelFileMetadataIsBoundedBeforeAnythingIsBuilt() throws {
        let metadata = ModelMetadata(configuration: ModelConfiguration(kind: .vit, imageSize: 32, classes: 2),
                                     classNames: ["a", "b"], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])
        let cases: [(key: String, value: String, message: String)] = [
            ("image_size", "-4", "m.safetensors: metadata 'image_size': -4 is below the smallest, 8"),
            ("image_size", "100000", "m.safetensors: metadata 'image_size': 100000 is above the largest, 2048"),
            ("width", "999999999999", "m.safetensors: metadata 'width': 999999999999 is above the largest, 4096"),
            ("depth", "1000000000", "m.safetensors: metadata 'depth': 1000000000 is above the largest, 256"),
            ("patch_size", "0", "m.safetensors: metadata 'patch_size': 0 is below the smallest, 1"),
            ("heads", "7", "m.safetensors: metadata 'heads': 7 heads do not divide the dimension (width) 96"),
            ("std", "[0.25, 0, 0.25]", "m.safetensors: metadata 'mean' [0.5, 0.5, 0.5] or 'std' [0.25, 0.0, 0.25] is not finite, or a std is not positive"),
            ("classes", #"["only"]"#, "m.safetensors: metadata 'classes': 1 is below the smallest, 2"),
        ]
        for (key, value, message) in cases {
            var strings = metadata.strings
            strings[key] = value
            FileTestSupport.assertFails(message) { _ = try ModelMetadata(strings: strings, fileName: "m.safetensors") }
        }
    }

    /// A file whose metadata describes another network than its weights fill is refused by
    /// the counts alone: a claimed huge network is never allocated.
    func testAFileThatDoesNotFitItsMetadataIsRefusedBeforeBuilding() throws {
        let small = ModelConfiguration(attention: .cbam, channels: 3, imageSize: 16, classes: 2, width: 4)
        let tensors = Dictionary(uniqueKeysWithValues: small.makeModel(seed: 0).state.map { ($0.key, $0.tensor) })
        var claimed = small
        claimed.width = 2048
        claimed.depth = 8
        FileTestSupport.assertFails("m.safetensors: holds \(small.stateCount) values, but the network its metadata describes has \(claimed.stateCount); the file does not fit its metadata") {
            _ = try ModelFile.build(claimed, loading: tensors, fileName: "m.safetensors")
        }
    }

    /// Filled in from the networks' own counts before the count moved to the configuration.
    private static let referenceFLOPs = [98_241_024, 98_251_776, 98_525_952, 45_419_904]
}

/// A checkpoint's training state is checked like options from the command line.
final class CheckpointStateTests: XCTestCase {
    func testACheckpointWhoseStateDisagreesOrIsOutOfBoundsIsRefused() throws {
        let configuration = ModelConfiguration(attention: .se, channels: 1, imageSize: 8, classes: 2, width: 4)
        let metadata = ModelMetadata(configuration: configuration, classNames: ["a", "b"], mean: [0.5], std: [0.25])
        let network = configuration.makeModel(seed: 0)
        let url = try FileTestSupport.temporaryFolder(for: self).appendingPathComponent("run.checkpoint.safetensors")
        func save(_ change: (inout TrainingOptions) -> Void) throws {
            var options = TrainingOptions.defaults(for: configuration)
            change(&options)
            try Checkpoint.save(model: network, optimizer: options.makeOptimizer(), state: TrainingState(options: options),
                                metadata: metadata, to: url)
        }
        try save { _ in }
        XCTAssertNoThrow(try Checkpoint.load(url))
        try save { $0.model.width = 8 }
        FileTestSupport.assertFails("run.checkpoint.safetensors: its training state describes another network than its metadata") {
            _ = try Checkpoint.load(url)
        }
        try save { $0.batchSize = 0 }
        FileTestSupport.assertFails("run.checkpoint.safetensors: its training state is out of bounds: --batch-size: 0 is outside 2–65536 (BatchNorm needs at least 2)") {
            _ = try Checkpoint.load(url)
        }
    }
}
