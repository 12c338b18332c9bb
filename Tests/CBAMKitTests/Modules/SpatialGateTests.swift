import XCTest
import CBAMKit

/// `SpatialGate` against finite differences, and against PyTorch's (the `cbam.`
/// tensors of Fixtures/layers.safetensors: Ms from F′).
final class SpatialGateTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        var generator = RandomGenerator(seed: 7)
        let gate = SpatialGate(generator: &generator)
        check.check("spatial gate", gate, input: check.random([3, 2, 6, 5]))
    }

    func testMatchesPyTorch() throws {
        let reference = try ReferenceFixtures.load("layers")
        var generator = RandomGenerator(seed: 1)
        let gate = SpatialGate(generator: &generator)
        try ReferenceFixtures.load(reference, prefix: "cbam.SpatialGate.", into: gate)
        // The pooled maps [max_c F′; mean_c F′], as the official ChannelPool makes them.
        let channelGated = reference.tensors["cbam.channel_out"]!
        let (n, c, hw) = (channelGated.batch, channelGated.channels, channelGated.spatial)
        let f = channelGated.scalars
        var pooled = [Float](repeating: 0, count: n * 2 * hw)
        for image in 0..<n {
            for p in 0..<hw {
                let column = (0..<c).map { f[(image * c + $0) * hw + p] }
                pooled[image * 2 * hw + p] = column.max()!
                pooled[image * 2 * hw + hw + p] = column.reduce(0, +) / Float(c)
            }
        }
        let ms = gate.forward(Tensor(shape: [n, 2, channelGated.height, channelGated.width], values: pooled), .training)
        ReferenceFixtures.assertClose(ms, reference.tensors["cbam.spatial_mask"], "Ms")
    }
}
