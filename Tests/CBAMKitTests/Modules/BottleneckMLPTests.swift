import XCTest
import CBAMKit

/// `BottleneckMLP` against finite differences, and its keys as SE and CBAM name them.
final class BottleneckMLPTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        var generator = RandomGenerator(seed: 3)
        let mlp = BottleneckMLP(channels: 20, reduction: 4, keys: ("0", "2"), generator: &generator)
        check.perturb(mlp.parameters)
        check.check("bottleneck mlp", mlp, input: check.random([6, 20]))
    }

    func testSEAndChannelGateKeepTheirKeys() {
        var generator = RandomGenerator(seed: 3)
        XCTAssertEqual(SqueezeExcitation(channels: 16, reduction: 8, generator: &generator).state.map(\.key),
                       ["fc.0.weight", "fc.0.bias", "fc.2.weight", "fc.2.bias"])
        XCTAssertEqual(ChannelGate(channels: 16, reduction: 8, generator: &generator).state.map(\.key),
                       ["mlp.1.weight", "mlp.1.bias", "mlp.3.weight", "mlp.3.bias"])
        XCTAssertEqual(BottleneckMLP(channels: 16, reduction: 32, keys: ("0", "2"), generator: &generator).reduce.outputFeatures, 1,
                       "the hidden width is at least 1")
    }
}
