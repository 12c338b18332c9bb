import XCTest
import Foundation
import CBAMKit

/// The ViT against PyTorch: Tests/PyTorch/make_vit_fixtures.py builds
/// vit_reference.py's VisionTransformer (d 16, 2 blocks, 2 heads, 8×8 images in
/// 4×4 patches) with randomised biases and norms, and saves the logits, the loss,
/// the input gradient, every parameter's gradient and the attention rollout.
/// Tolerance as PyTorchReferenceTests (1e-4 of the largest reference value).
final class ViTReferenceTests: XCTestCase {
    private func model(from reference: SafeTensors) throws -> VisionTransformer {
        let metadata = try ModelMetadata(strings: reference.metadata, fileName: "vit fixture")
        let model = VisionTransformer(metadata.configuration, seed: 99)
        let keys = Set(model.state.map(\.key))
        try ModelFile.load(reference.tensors.filter { keys.contains($0.key) }, into: model, fileName: "vit fixture")
        return model
    }

    func testTrainingStepMatchesPyTorch() throws {
        let reference = try ReferenceFixtures.load("vit")
        let model = try model(from: reference)
        let input = reference.tensors["input"]!
        let labels = reference.tensors["labels"]!.scalars.map { Int($0) }
        let logits = model.forward(input, .training)
        ReferenceFixtures.assertClose(logits, reference.tensors["train.logits"], "logits")
        let (loss, dLogits) = SoftmaxCrossEntropy(labelSmoothing: 0.1)(logits, labels: labels)
        XCTAssertEqual(loss, reference.tensors["train.loss"]!.scalars[0], accuracy: 1e-5 * max(1, abs(loss)), "loss")
        ReferenceFixtures.assertClose(model.backward(dLogits, inputGradient: true)!, reference.tensors["train.input_grad"], "input gradient")
        for (key, parameter) in model.parameters {
            ReferenceFixtures.assertClose(parameter.gradient, reference.tensors["grad.\(key)"], "∂\(key)")
        }
    }

    /// Inference runs other code (GELU fused into fc1, nothing kept) to the same logits;
    /// explaining keeps the attention, whose rollout matches PyTorch's.
    func testInferenceAndRolloutMatchPyTorch() throws {
        let reference = try ReferenceFixtures.load("vit")
        let model = try model(from: reference)
        let input = reference.tensors["input"]!
        ReferenceFixtures.assertClose(model.forward(input, .inference), reference.tensors["train.logits"], "inference logits")
        _ = model.forward(input, .explaining)
        let rollout = model.attentionRollout()
        XCTAssertEqual(rollout.shape, [3, 2, 2])
        ReferenceFixtures.assertClose(rollout, reference.tensors["eval.rollout"], "attention rollout")
    }

    /// Every key of the PyTorch state_dict, and no other, with the same shapes.
    func testParameterNamesAndShapesAreTimms() throws {
        let reference = try ReferenceFixtures.load("vit")
        let model = try model(from: reference)
        let results = ["input", "labels", "train.", "grad.", "eval."]
        let fixtureKeys = Set(reference.tensors.keys.filter { key in !results.contains { key.hasPrefix($0) } })
        XCTAssertEqual(Set(model.state.map(\.key)), fixtureKeys)
        for (key, tensor) in model.state { XCTAssertEqual(tensor.shape, reference.tensors[key]!.shape, key) }
    }
}
