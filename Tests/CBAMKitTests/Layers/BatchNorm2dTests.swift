import XCTest
import CBAMKit

/// `BatchNorm2d` against finite differences, and against PyTorch's `nn.BatchNorm2d`
/// (the `bn.` tensors of Fixtures/layers.safetensors, Tests/PyTorch/make_fixtures.py).
final class BatchNorm2dTests: XCTestCase {
    var check = GradientCheck()

    func testGradients() {
        for (layout, relu, mode, channels) in [(Layout.blocked, false, Mode.training, 20), (.blocked, true, .training, 20),
                                               (.blocked, true, .explaining, 20), (.plain, false, .training, 1), (.plain, true, .training, 3)] {
            let bn = BatchNorm2d(channels, fusedReLU: relu)
            let weight = check.random([channels], scale: 0.5), bias = check.random([channels], scale: 0.5)
            for i in 0..<channels {
                bn.weight.value.data[i] = 1 + weight.data[i]; bn.bias.value.data[i] = bias.data[i]
                bn.runningMean.data[i] = 0.1 * Float(i % 3); bn.runningVariance.data[i] = 1 + 0.2 * Float(i % 4)
            }
            let x = check.random([3, channels, 4, 5])
            check.check("batchnorm \(layout) relu:\(relu) \(mode)", bn, input: x, layout: layout, mode: mode)
        }
    }

    /// A training step (batch statistics, updated running statistics, all gradients) and
    /// an inference pass, in both layouts.
    func testMatchesPyTorch() throws {
        let reference = try ReferenceFixtures.load("layers")
        func tensor(_ key: String) -> Tensor { reference.tensors["bn.\(key)"]! }
        func fixtureNorm() -> BatchNorm2d {
            let bn = BatchNorm2d(5)
            bn.weight.value.assign(tensor("weight").scalars)
            bn.bias.value.assign(tensor("bias").scalars)
            bn.runningMean.assign(tensor("running_mean").scalars)
            bn.runningVariance.assign(tensor("running_var").scalars)
            return bn
        }
        for layout in [Layout.plain, .blocked] {
            let bn = fixtureNorm()
            let output = bn.forward(tensor("input").reordered(to: layout), .training)
            ReferenceFixtures.assertClose(output, tensor("output"), "\(layout) output")
            ReferenceFixtures.assertClose(bn.backward(tensor("upstream").reordered(to: layout)), tensor("input_grad"), "\(layout) ∂input")
            ReferenceFixtures.assertClose(bn.weight.gradient, tensor("weight_grad"), "\(layout) ∂weight")
            ReferenceFixtures.assertClose(bn.bias.gradient, tensor("bias_grad"), "\(layout) ∂bias")
            ReferenceFixtures.assertClose(bn.runningMean, tensor("new_running_mean"), "\(layout) running mean")
            ReferenceFixtures.assertClose(bn.runningVariance, tensor("new_running_var"), "\(layout) running variance")
            ReferenceFixtures.assertClose(fixtureNorm().forward(tensor("input").reordered(to: layout), .inference),
                                          tensor("eval_output"), "\(layout) inference output")
        }
    }
}
