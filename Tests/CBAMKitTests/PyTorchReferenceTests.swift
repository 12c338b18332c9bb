import XCTest
import Foundation
import CBAMKit

/// Whole networks against PyTorch: Tests/PyTorch/make_fixtures.py builds ResNet-small
/// (none, SE, CBAM, and CBAM on grey input) at width 8 with seeded, perturbed
/// weights and saves the logits, the loss, every parameter's gradient, the updated
/// running statistics and the eval-mode logits and input gradient.
/// Tests/PyTorch/make_resnet_fixtures.py does the same for the official CBAM ResNets,
/// built by the authors' own `model_resnet.py` at width 4 (ResNet-18 with CBAM and with
/// SE, ResNet-34 plain, ResNet-50 with CBAM; 3×64×64 input, batch 2), its expected
/// values computed in float64.
///
/// Tolerance 1e-4 relative to the largest reference value: both sides compute in
/// Float32 and differ only in summation order (oneDNN's blocked convolutions vs
/// PyTorch's), which moves results by ~1e-6 relative per layer; gradients pass
/// through about 30 layers, so 1e-4 leaves margin while any wrong term, a
/// transposed weight or a wrong variance convention is off by far more. The official
/// fixtures record PyTorch's own float32 error against their float64 values; where
/// twice that exceeds 1e-4 (ResNet-50 with CBAM at width 4: 5e-4, its last stage's
/// BatchNorms see 8 values per channel) it is the bound (`ReferenceFixtures.tolerance(of:)`).
final class PyTorchReferenceTests: XCTestCase {
    private func fixture(_ name: String) throws -> SafeTensors { try ReferenceFixtures.load(name) }

    private func assertClose(_ actual: Tensor, _ expected: Tensor?, _ what: String, of reference: SafeTensors,
                             file: StaticString = #filePath, line: UInt = #line) {
        ReferenceFixtures.assertClose(actual, expected, what, tolerance: ReferenceFixtures.tolerance(of: reference), file: file, line: line)
    }

    /// Builds the fixture's model, as its metadata (a model file's) describes it, with its initial weights.
    private func model(from reference: SafeTensors) throws -> ResNet {
        let configuration = try ModelMetadata(strings: reference.metadata, fileName: "fixture").configuration
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
        assertClose(logits, reference.tensors["train.logits"], "\(name) training logits", of: reference)
        let (loss, dLogits) = SoftmaxCrossEntropy(labelSmoothing: 0.1)(logits, labels: labels)
        XCTAssertEqual(loss, reference.tensors["train.loss"]!.scalars[0], accuracy: 1e-5 * max(1, abs(loss)), "\(name) loss")
        let dInput = model.backward(dLogits, inputGradient: true)!
        assertClose(dInput, reference.tensors["train.input_grad"], "\(name) input gradient", of: reference)
        for (key, parameter) in model.parameters {
            assertClose(parameter.gradient, reference.tensors["grad.\(key)"], "\(name) ∂\(key)", of: reference)
        }
        for (key, tensor) in model.buffers where !key.hasSuffix("num_batches_tracked") {
            assertClose(tensor, reference.tensors["train.running.\(key)"], "\(name) updated \(key)", of: reference)
        }
    }

    private func checkEvaluation(_ name: String) throws {
        let reference = try fixture(name)
        let model = try model(from: reference)
        let input = reference.tensors["input"]!
        let labels = reference.tensors["labels"]!.scalars.map { Int($0) }
        assertClose(model.forward(input, .inference), reference.tensors["eval.logits"], "\(name) eval logits", of: reference)
        let logits = model.forward(input, .explaining)
        let (_, dLogits) = SoftmaxCrossEntropy(labelSmoothing: 0.1)(logits, labels: labels)
        assertClose(model.backward(dLogits, inputGradient: true)!, reference.tensors["eval.input_grad"], "\(name) eval input gradient", of: reference)
        if model.configuration.attention == .cbam {
            for (key, block) in model.blocks {
                assertClose(block.attention.spatialAttention!, reference.tensors["eval.spatial_mask.\(key)"], "\(name) \(key) spatial attention", of: reference)
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

    func testOfficialResNet18CBAMTrainingStep() throws { try checkTrainingStep("official_resnet18_cbam") }
    func testOfficialResNet18SETrainingStep() throws { try checkTrainingStep("official_resnet18_se") }
    func testOfficialResNet50CBAMTrainingStep() throws { try checkTrainingStep("official_resnet50_cbam") }
    func testOfficialResNet34PlainTrainingStep() throws { try checkTrainingStep("official_resnet34_none") }
    func testOfficialResNet18CBAMEvaluation() throws { try checkEvaluation("official_resnet18_cbam") }
    func testOfficialResNet18SEEvaluation() throws { try checkEvaluation("official_resnet18_se") }
    func testOfficialResNet50CBAMEvaluation() throws { try checkEvaluation("official_resnet50_cbam") }
    func testOfficialResNet34PlainEvaluation() throws { try checkEvaluation("official_resnet34_none") }
}
