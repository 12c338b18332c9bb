import XCTest
import CBAMKit

/// The internal kernels' backward passes, each alone through its test layer
/// (Tests/CBAMKitTests/TestLayers), against finite differences. The networks use
/// these kernels fused inside `CBAM`, `SqueezeExcitation` and `NoAttention`, whose
/// own tests check them together.
final class KernelGradientTests: XCTestCase {
    var check = GradientCheck()

    func testActivations() {
        let x = check.random([3, 37])
        check.check("relu", Activation.relu, input: x)
        check.check("sigmoid", Activation.sigmoid, input: x)
    }

    func testPooling() {
        let x = check.random([2, 20, 5, 3])
        for kind in [GlobalPool.Kind.average, .maximum] {
            check.check("global \(kind) pool", GlobalPool(kind), input: x, layout: .blocked)
        }
        check.check("channel max/mean pool", ChannelPool(), input: x, layout: .blocked)
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
}
