import XCTest
import Foundation
import CBAMKit

/// Whole networks against PyTorch: Tests/PyTorch/make_fixtures.py builds ResNet-small
/// (none, SE, CBAM, and CBAM on grey input) at width 8 with seeded, perturbed
/// weights and saves the logits, the loss, every parameter's gradient, the updated
/// running statistics and the eval-mode logits and input gradient.
///
/// Tolerance 1e-4 relative to the largest reference value: both sides compute in
/// Float32 and differ only in summation order (oneDNN's blocked convolutions vs
/// PyTorch's), which moves results by ~1e-6 relative per layer; gradients pass
/// through about 30 layers, so 1e-4 leaves margin while any wrong term, a
/// transposed weight or a wrong variance convention is off by far more.
final class PyTorchReferenceTests: XCTestCase {
    private func fixture(_ name: String) throws -> SafeTensors { try ReferenceFixtures.load(name) }

    private func assertClose(_ actual: Tensor, _ expected: Tensor?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        ReferenceFixtures.assertClose(actual, expected, what, file: file, line: line)
    }

    /// Builds the fixture's model with its initial weights.
    private func model(from reference: SafeTensors) throws -> ResNet {
        let m = reference.metadata
        let classes = try JSONSerialization.jsonObject(with: Data(m["classes"]!.utf8)) as! [String]
        let configuration = ModelConfiguration(attention: AttentionKind(rawValue: m["attention"]!)!, channels: Int(m["channels"]!)!,
                                               imageSize: Int(m["image_size"]!)!, classes: classes.count, width: Int(m["width"]!)!,
                                               depth: Int(m["depth"]!)!, reduction: Int(m["reduction"]!)!)
        let model = ResNet(configuration, seed: 99)
        let keys = Set(model.state.map(\.key))
        try ModelFile.load(reference.tensors.filter { keys.contains($0.key) }, into: model, fileName: "fixture")
        return model
    }

    private func checkTrainingStep(_ name: String) throws {
        let reference = try fixture(name)
        let model = try model(from: reference)
        let input = reference.tensors["input"]!
        let labels = reference.tensors["labels"]!.scalars.map { Int($0) }

        let logits = model.forward(input, .training)
        assertClose(logits, reference.tensors["train.logits"], "\(name) training logits")
        let (loss, dLogits) = SoftmaxCrossEntropy(labelSmoothing: 0.1)(logits, labels: labels)
        XCTAssertEqual(loss, reference.tensors["train.loss"]!.scalars[0], accuracy: 1e-5 * max(1, abs(loss)), "\(name) loss")
        let dInput = model.backward(dLogits, inputGradient: true)!
        assertClose(dInput, reference.tensors["train.input_grad"], "\(name) input gradient")
        for (key, parameter) in model.parameters {
            assertClose(parameter.gradient, reference.tensors["grad.\(key)"], "\(name) ∂\(key)")
        }
        for (key, tensor) in model.buffers where !key.hasSuffix("num_batches_tracked") {
            assertClose(tensor, reference.tensors["train.running.\(key)"], "\(name) updated \(key)")
        }
    }

    private func checkEvaluation(_ name: String) throws {
        let reference = try fixture(name)
        let model = try model(from: reference)
        let input = reference.tensors["input"]!
        let labels = reference.tensors["labels"]!.scalars.map { Int($0) }
        assertClose(model.forward(input, .inference), reference.tensors["eval.logits"], "\(name) eval logits")
        let logits = model.forward(input, .explaining)
        let (_, dLogits) = SoftmaxCrossEntropy(labelSmoothing: 0.1)(logits, labels: labels)
        assertClose(model.backward(dLogits, inputGradient: true)!, reference.tensors["eval.input_grad"], "\(name) eval input gradient")
        if name.contains("cbam") {
            for (key, block) in model.blocks {
                assertClose(block.attention.spatialAttention!, reference.tensors["eval.spatial_mask.\(key)"], "\(name) \(key) spatial attention")
            }
        }
    }

    func testPlainTrainingStep() throws { try checkTrainingStep("resnet_none") }
    func testSETrainingStep() throws { try checkTrainingStep("resnet_se") }
    func testCBAMTrainingStep() throws { try checkTrainingStep("resnet_cbam") }
    func testCBAMGreyTrainingStep() throws { try checkTrainingStep("resnet_cbam_grey") }
    func testPlainEvaluation() throws { try checkEvaluation("resnet_none") }
    func testSEEvaluation() throws { try checkEvaluation("resnet_se") }
    func testCBAMEvaluation() throws { try checkEvaluation("resnet_cbam") }
    func testCBAMGreyEvaluation() throws { try checkEvaluation("resnet_cbam_grey") }
}
