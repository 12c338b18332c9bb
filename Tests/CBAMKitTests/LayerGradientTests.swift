import XCTest
import CBAMKit

/// Every layer's and module's backward against finite differences (see GradientCheck
/// for the tolerance). Inputs are made plain and reordered inside `forward`, so the
/// checked tensors are always plain; blocked gradients are compared logically.
final class LayerGradientTests: XCTestCase {
    var check = GradientCheck()
    var generator = RandomGenerator(seed: 1)

    func testConvolution() {
        // The last two run the direct kernel (CBAM's 2 → 1 spatial conv), the rest oneDNN.
        for (inputLayout, stride, kernel, bias, channels) in [(Layout.plain, 1, 3, true, 18), (.blocked, 2, 3, false, 18), (.blocked, 2, 1, false, 18),
                                                              (.plain, 1, 7, false, 18), (.plain, 1, 7, false, 1), (.plain, 1, 3, true, 1)] {
            let conv = Conv2d(inputLayout == .plain ? (channels == 1 ? 2 : 3) : 20, channels, kernel: kernel, stride: stride, padding: kernel / 2, bias: bias,
                              outputLayout: kernel == 7 || channels == 1 ? .plain : .blocked, generator: &generator)
            let x = check.random([2, conv.inputChannels, 7, 7])
            var tensors = [("x", x), ("weight", conv.weight.value)]
            if let b = conv.bias { tensors.append(("bias", b.value)) }
            check.check("conv\(kernel)x\(kernel)/\(stride) \(inputLayout) →\(channels)", tensors: tensors,
                        forward: { conv.forward(x.reordered(to: inputLayout), .training) },
                        backward: { dy in [conv.backward(dy).reordered(to: .plain), conv.weight.gradient] + (conv.bias.map { [$0.gradient] } ?? []) })
        }
    }

    func testBatchNorm() {
        for (layout, relu, mode, channels) in [(Layout.blocked, false, Mode.training, 20), (.blocked, true, .training, 20),
                                               (.blocked, true, .explaining, 20), (.plain, false, .training, 1), (.plain, true, .training, 3)] {
            let bn = BatchNorm2d(channels, fusedReLU: relu)
            let weight = check.random([channels], scale: 0.5), bias = check.random([channels], scale: 0.5)
            for i in 0..<channels {
                bn.weight.value.data[i] = 1 + weight.data[i]; bn.bias.value.data[i] = bias.data[i]
                bn.runningMean.data[i] = 0.1 * Float(i % 3); bn.runningVariance.data[i] = 1 + 0.2 * Float(i % 4)
            }
            let x = check.random([3, channels, 4, 5])
            check.check("batchnorm \(layout) relu:\(relu) \(mode)", tensors: [("x", x), ("weight", bn.weight.value), ("bias", bn.bias.value)],
                        forward: { bn.forward(x.reordered(to: layout), mode) },
                        backward: { dy in [bn.backward(dy).reordered(to: .plain), bn.weight.gradient, bn.bias.gradient] })
        }
    }

    func testLinear() {
        let linear = Linear(7, 5, generator: &generator)
        for i in 0..<5 { linear.bias!.value.data[i] = Float(i) * 0.1 }
        let x = check.random([4, 7])
        check.check("linear", tensors: [("x", x), ("weight", linear.weight.value), ("bias", linear.bias!.value)],
                    forward: { linear.forward(x, .training) },
                    backward: { dy in [linear.backward(dy), linear.weight.gradient, linear.bias!.gradient] })
    }

    func testActivations() {
        let x = check.random([3, 37])
        let relu = ReLU(), sigmoid = Sigmoid()
        check.check("relu", tensors: [("x", x)], forward: { relu.forward(x, .training) }, backward: { [relu.backward($0)] })
        check.check("sigmoid", tensors: [("x", x)], forward: { sigmoid.forward(x, .training) }, backward: { [sigmoid.backward($0)] })
    }

    func testPooling() {
        let x = check.random([2, 20, 5, 3])
        for kind in [GlobalPool.Kind.average, .maximum] {
            let pool = GlobalPool(kind)
            check.check("global \(kind) pool", tensors: [("x", x)], forward: { pool.forward(x.reordered(to: .blocked), .training) },
                        backward: { [pool.backward($0).reordered(to: .plain)] })
        }
        let channelPool = ChannelPool()
        check.check("channel max/mean pool", tensors: [("x", x)], forward: { channelPool.forward(x.reordered(to: .blocked), .training) },
                    backward: { [channelPool.backward($0).reordered(to: .plain)] })
    }

    func testBroadcastMultiplyAndResidualAdd() {
        let x = check.random([2, 20, 4, 3])
        let channelScale = check.random([2, 20]), pixelScale = check.random([2, 1, 4, 3])
        for (axis, scale) in [(BroadcastMultiply.Axis.channels, channelScale), (.pixels, pixelScale)] {
            let multiply = BroadcastMultiply(over: axis)
            check.check("broadcast multiply over \(axis)", tensors: [("x", x), ("scale", scale)],
                        forward: { multiply.forward((x.reordered(to: .blocked), scale), .training) },
                        backward: { dy in let (dx, ds) = multiply.backward(dy); return [dx.reordered(to: .plain), ds] })
        }
        let other = check.random([2, 20, 4, 3])
        for relu in [false, true] {
            let add = ResidualAdd(relu: relu)
            check.check("residual add relu:\(relu)", tensors: [("a", x), ("b", other)],
                        forward: { add.forward((x.reordered(to: .blocked), other.reordered(to: .blocked)), .training) },
                        backward: { dy in let g = add.backward(dy).reordered(to: .plain); return [g, g] })
        }
    }

    func testDropoutScalesKeptElementsAndPassesGradientThroughTheSameMask() {
        let dropout = Dropout(probability: 0.25, seed: 3)
        let x = Tensor(shape: [1000], values: Array(repeating: 1, count: 1000))
        let y = dropout.forward(x, .training).scalars
        XCTAssertTrue(y.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3.0) < 1e-6 })
        let dropped = y.filter { $0 == 0 }.count
        XCTAssertTrue((180...320).contains(dropped), "about a quarter dropped, got \(dropped)")
        XCTAssertEqual(dropout.backward(x).scalars, y, "the gradient goes through the same mask")
        XCTAssertEqual(dropout.forward(x, .inference).scalars, x.scalars, "identity outside training")
    }

    func testSoftmaxCrossEntropyWithLabelSmoothing() {
        let logits = check.random([4, 6])
        let labels = [0, 5, 2, 2]
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        // L here is the loss itself; its gradient is checked along a random direction.
        let (_, gradient) = loss(logits, labels: labels)
        let direction = check.random([4, 6])
        let h: Float = 1e-2
        func perturbed(_ s: Float) -> Double {
            let t = Tensor(shape: [4, 6], values: (0..<24).map { logits.data[$0] + s * direction.data[$0] })
            return Double(loss(t, labels: labels).loss)
        }
        let numeric = (perturbed(h) - perturbed(-h)) / Double(2 * h)
        let analytic = (0..<24).reduce(0.0) { $0 + Double(gradient.data[$1] * direction.data[$1]) }
        XCTAssertEqual(numeric, analytic, accuracy: 1e-3 * max(1, abs(analytic)))
    }
}
