import XCTest
import CBAMKit

/// `CBAM` against finite differences, and against the PyTorch `CBAM` of
/// Tests/PyTorch/cbam_reference.py (the `cbam.` tensors of Fixtures/layers.safetensors).
final class CBAMTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        for channels in [20, 16] {  // a partial channel block, and exactly one
            var generator = RandomGenerator(seed: 7)
            check.check("cbam attention C=\(channels)", CBAM(channels: channels, reduction: 4, generator: &generator), channels: channels)
        }
    }

    /// Inference on a batch runs image by image (`CBAMInference`, its MLP in registers);
    /// `.explaining` runs the batch-wide kernels with the same running statistics. Every
    /// parameter and statistic random, so that neither gate is flat (the spatial BN
    /// starts at γ = 0, Ms = 0.5); odd sizes, so that no row is whole vectors.
    func testInferenceImageByImageMatchesBatchWide() {
        for channels in [20, 48] {  // a partial channel block, and three whole ones
            var generator = RandomGenerator(seed: 3)
            let cbam = CBAM(channels: channels, reduction: 4, generator: &generator)
            for (_, parameter) in cbam.parameters {
                for i in 0..<parameter.value.count { parameter.value.data[i] = 0.5 * generator.nextNormal() }
            }
            for (key, tensor) in cbam.buffers where !key.hasSuffix("num_batches_tracked") {
                for i in 0..<tensor.count { tensor.data[i] = key.hasSuffix("running_var") ? 0.5 + generator.nextUniform() : generator.nextNormal() }
            }
            let features = check.random([5, channels, 7, 9]).reordered(to: .blocked)
            let shortcut = check.random([5, channels, 7, 9]).reordered(to: .blocked)
            let expected = cbam.forward(features, shortcut: shortcut, .explaining).scalars
            let (mc, ms) = (cbam.channelAttention!.scalars, cbam.spatialAttention!.scalars)
            let out = cbam.forward(features, shortcut: shortcut, .inference).scalars
            for (name, a, b) in [("out", out, expected), ("Mc", cbam.channelAttention!.scalars, mc), ("Ms", cbam.spatialAttention!.scalars, ms)] {
                XCTAssertEqual(a.count, b.count, "C=\(channels) \(name)")
                let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-5, "C=\(channels) \(name): image by image vs batch-wide")
            }
            XCTAssertGreaterThan(Set(ms.map { ($0 * 100).rounded() }).count, 10, "Ms varies")
        }
    }

    /// A training step: F″, ∂F, every parameter's gradient and the spatial BatchNorm's
    /// updated running statistics.
    func testMatchesPyTorch() throws {
        var generator = RandomGenerator(seed: 1)
        let cbam = CBAM(channels: 16, reduction: 8, generator: &generator)
        try ReferenceFixtures.assertTrainingStepMatches(cbam, prefix: "cbam.")
        let reference = try ReferenceFixtures.load("layers")
        ReferenceFixtures.assertClose(cbam.spatialAttention!, reference.tensors["cbam.spatial_mask"], "Ms")
        for (key, tensor) in cbam.buffers where !key.hasSuffix("num_batches_tracked") {
            ReferenceFixtures.assertClose(tensor, reference.tensors["cbam.train.running.\(key)"], "updated \(key)")
        }
    }
}
