import XCTest
import CBAMKit

/// `ChannelGate` against PyTorch's (the `cbam.` tensors of Fixtures/layers.safetensors:
/// F′ = F ⊙ Mc). Its backward is checked inside `CBAMTests`, whose input gradient it
/// is part of.
final class ChannelGateTests: XCTestCase {
    func testMatchesPyTorch() throws {
        let reference = try ReferenceFixtures.load("layers")
        var generator = RandomGenerator(seed: 1)
        let gate = ChannelGate(channels: 16, reduction: 8, generator: &generator)
        try ReferenceFixtures.load(reference, prefix: "cbam.ChannelGate.", into: gate)
        let features = reference.tensors["cbam.input"]!
        let mc = gate.forward(features.reordered(to: .blocked), .training)
        XCTAssertEqual(mc.shape, [2, 16])
        let (f, m, hw) = (features.scalars, mc.scalars, features.spatial)
        let gated = Tensor(shape: features.shape, values: f.indices.map { f[$0] * m[$0 / hw] })
        ReferenceFixtures.assertClose(gated, reference.tensors["cbam.channel_out"], "F ⊙ Mc")
    }
}
