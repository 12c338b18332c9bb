import XCTest
import Foundation
import CBAMKit

/// A model written by `ModelFile.save` reads back into a fresh network that gives
/// the same logits. With CBAM_PROBE_DIR set, each model and a probe (input and
/// logits) stay there for `python3 Tests/PyTorch/check_swift_model.py MODEL PROBE`,
/// which loads them strictly into PyTorch's module (run by hand):
/// model_{none,se,cbam,vit}.safetensors with probe_{…}.safetensors.
final class SavedModelTests: XCTestCase {
    func testSavedModelReloadsWithTheSameLogits() throws {
        for kind in AttentionKind.allCases {
            try checkRoundTrip(ModelConfiguration(attention: kind, channels: 3, imageSize: 16, classes: 4, width: 8), name: kind.rawValue)
        }
        try checkRoundTrip(ModelConfiguration(architecture: .vitTiny, attention: .none, channels: 3, imageSize: 16, classes: 4,
                                              width: 16, depth: 2, heads: 2), name: "vit")
    }

    private func checkRoundTrip(_ configuration: ModelConfiguration, name: String) throws {
        let model = configuration.makeModel(seed: 11)
        var generator = RandomGenerator(seed: 12)
        let input = Tensor(shape: [2, 3, 16, 16], values: (0..<1536).map { _ in generator.nextNormal() })
        _ = model.forward(input, .training)  // moves any running statistics away from their initial values
        let logits = model.forward(input, .inference)

        let folder = ProcessInfo.processInfo.environment["CBAM_PROBE_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("cbam-saved-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("model_\(name).safetensors")
        let metadata = ModelMetadata(configuration: configuration, classNames: ["a", "b", "c", "d"], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])
        try ModelFile.save(model, metadata: metadata, to: file)
        try SafeTensors(tensors: ["input": input, "logits": logits])
            .write(to: folder.appendingPathComponent("probe_\(name).safetensors"))

        let (readMetadata, tensors) = try ModelFile.read(file)
        XCTAssertEqual(readMetadata, metadata)
        let reloaded = try ModelFile.build(readMetadata.configuration, loading: tensors, fileName: file.lastPathComponent)
        XCTAssertEqual(reloaded.forward(input, .inference).scalars, logits.scalars, "\(name): same logits after a round trip")
        if ProcessInfo.processInfo.environment["CBAM_PROBE_DIR"] == nil { try? FileManager.default.removeItem(at: folder) }
    }
}
