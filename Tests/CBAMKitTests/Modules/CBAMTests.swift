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
