import XCTest
import Foundation
import CBAMKit

/// A model written by `ModelFile.save` reads back into a fresh network that gives
/// the same logits. With CBAM_PROBE_DIR set, the model and a probe (input and
/// logits) stay there for `python3 Tests/PyTorch/check_swift_model.py MODEL PROBE`,
/// which loads them into PyTorch's module (run by hand).
final class SavedModelTests: XCTestCase {
    func testSavedModelReloadsWithTheSameLogits() throws {
        for kind in AttentionKind.allCases {
            let configuration = ModelConfiguration(attention: kind, channels: 3, imageSize: 16, classes: 4, width: 8)
            let model = ResNetSmall(configuration, seed: 11)
            var generator = RandomGenerator(seed: 12)
            let input = Tensor(shape: [2, 3, 16, 16], values: (0..<1536).map { _ in generator.nextNormal() })
            _ = model.forward(input, .training)  // moves the running statistics away from their initial values
            let logits = model.forward(input, .inference)

            let folder = ProcessInfo.processInfo.environment["CBAM_PROBE_DIR"].map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("cbam-saved-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("model_\(kind).safetensors")
            let metadata = ModelMetadata(architecture: "resnet-small", attention: kind.rawValue, width: 8, depth: 1, reduction: 8,
                                         channels: 3, imageSize: 16, classes: ["a", "b", "c", "d"],
                                         mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])
            try ModelFile.save(model, metadata: metadata, to: file)
            try SafeTensors(tensors: ["input": input, "logits": logits])
                .write(to: folder.appendingPathComponent("probe_\(kind).safetensors"))

            let (readMetadata, tensors) = try ModelFile.read(file)
            XCTAssertEqual(readMetadata, metadata)
            let reloaded = ResNetSmall(configuration, seed: 999)
            try ModelFile.load(tensors, into: reloaded, fileName: file.lastPathComponent)
            XCTAssertEqual(reloaded.forward(input, .inference).scalars, logits.scalars, "\(kind): same logits after a round trip")
            if ProcessInfo.processInfo.environment["CBAM_PROBE_DIR"] == nil { try? FileManager.default.removeItem(at: folder) }
        }
    }
}
