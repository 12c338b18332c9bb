import XCTest
import Foundation
import CBAMKit

/// Finite-difference gradient checks.
///
/// For a layer y = f(x; θ) and a fixed random r, the scalar L = Σ r·y has
/// ∂L/∂x = backward(r). For each tensor T (the input and every parameter) we take a
/// random direction v and compare the directional derivative ⟨∂L/∂T, v⟩ with the
/// central difference (L(T + hv) − L(T − hv)) / 2h.
///
/// Tolerance: the forward runs in Float32, so each output carries a relative
/// rounding error of about 6e-8; summed over a few thousand outputs of size ~1, L
/// is off by ~1e-6·|L|, which the difference (h = 1e-3) divides by 2h = 2e-3, i.e.
/// ~5e-4 relative. The O(h²) truncation term is smaller still.
/// A 2e-2 relative bound therefore passes a correct backward with margin and
/// fails on any real mistake (a missing term is typically 10–100 % off).
///
/// A ReLU kink (or a swapped maximum) within the step of the point makes the
/// central difference average two slopes; with thousands of elements one of them
/// sometimes sits within 1e-4 of its kink. So the differences are also taken one
/// sided at step h/4: on the side away from the kink the difference is the true
/// slope. The analytic value must match one of these estimates; a wrong backward
/// (a missing or extra term) matches none of them.
struct GradientCheck {
    var step: Float = 1e-3
    var tolerance: Double = 2e-2
    var generator = RandomGenerator(seed: 42)

    /// A plain tensor of standard normal values.
    mutating func random(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in scale * generator.nextNormal() })
    }

    /// Checks `backward` against `forward` for each named tensor.
    ///
    /// - forward: runs the layer on the current values of the checked tensors, returns y.
    /// - backward: given ∂L/∂y, runs backward and returns ∂L/∂T for each checked tensor, in order.
    mutating func check(_ name: String, tensors: [(String, Tensor)],
                        forward: () -> Tensor, backward: (Tensor) -> [Tensor],
                        file: StaticString = #filePath, line: UInt = #line) {
        let y = forward()
        let r = random(y.shape)
        let rBlocked = r.reordered(to: y.layout)
        func lossAtCurrentValues() -> Double {
            let out = forward().scalars
            var sum = 0.0
            for i in out.indices { sum += Double(out[i]) * Double(r.data[i]) }
            return sum
        }
        _ = lossAtCurrentValues()  // the pass whose activations backward uses
        let gradients = backward(rBlocked)
        XCTAssertEqual(gradients.count, tensors.count, "\(name): one gradient per checked tensor", file: file, line: line)
        for ((label, t), gradient) in zip(tensors, gradients) {
            XCTAssertEqual(gradient.shape, t.shape, "\(name) \(label): gradient shape", file: file, line: line)
            let direction = random(t.shape)
            let g = gradient.scalars
            var analytic = 0.0
            for i in 0..<t.count { analytic += Double(g[i]) * Double(direction.data[i]) }
            let original = Array(UnsafeBufferPointer(start: t.data, count: t.count))
            func loss(at h: Float) -> Double {
                for i in 0..<t.count { t.data[i] = original[i] + h * direction.data[i] }
                defer { for i in 0..<t.count { t.data[i] = original[i] } }
                return lossAtCurrentValues()
            }
            let center = lossAtCurrentValues()
            let (plus, minus) = (loss(at: step), loss(at: -step))
            let (plusFine, minusFine) = (loss(at: step / 4), loss(at: -step / 4))
            let fine = Double(step / 4)
            let estimates = [(plus - minus) / (2 * Double(step)), (plusFine - minusFine) / (2 * fine),
                             (plusFine - center) / fine, (center - minusFine) / fine]
            let scale = max(abs(estimates[0]), abs(analytic), 1e-3)
            let error = estimates.map { abs($0 - analytic) }.min()!
            XCTAssertLessThan(error / scale, tolerance, "\(name) \(label): analytic \(analytic), numeric \(estimates)",
                              file: file, line: line)
        }
    }
}

extension GradientCheck {
    /// Checks a one-tensor layer: its input and every parameter. The input is made plain
    /// and reordered to `layout` inside the forward, so the checked tensors are always
    /// plain; blocked gradients are compared logically.
    mutating func check<L: Layer>(_ name: String, _ layer: L, input x: Tensor, layout: Layout = .plain, mode: Mode = .training,
                                  file: StaticString = #filePath, line: UInt = #line)
    where L.Input == Tensor, L.Output == Tensor, L.InputGradient == Tensor {
        let parameters = layer.parameters
        check(name, tensors: [("x", x)] + parameters.map { ($0.key, $0.parameter.value) },
              forward: { layer.forward(x.reordered(to: layout), mode) },
              backward: { dy in [layer.backward(dy).reordered(to: .plain)] + parameters.map { $0.parameter.gradient } },
              file: file, line: line)
    }

    /// Checks a residual ending (attention → + shortcut → ReLU) on both inputs and all
    /// parameters, with blocked [3, C, 5, 4] activations.
    mutating func check(_ name: String, _ attention: any ResidualAttention, channels: Int,
                        file: StaticString = #filePath, line: UInt = #line) {
        let features = random([3, channels, 5, 4]), shortcut = random([3, channels, 5, 4])
        let parameters = attention.parameters
        check(name, tensors: [("features", features), ("shortcut", shortcut)] + parameters.map { ($0.key, $0.parameter.value) },
              forward: { attention.forward(features.reordered(to: .blocked), shortcut: shortcut.reordered(to: .blocked), .training) },
              backward: { dy in
                  let (df, ds) = attention.backward(dy)
                  return [df.reordered(to: .plain), ds.reordered(to: .plain)] + parameters.map { $0.parameter.gradient }
              }, file: file, line: line)
    }

    /// Moves every parameter away from the initialisation's zero biases and unit
    /// norms, so that every term of the gradient matters.
    mutating func perturb(_ parameters: [(key: String, parameter: Parameter)]) {
        for (_, parameter) in parameters {
            let noise = random(parameter.shape, scale: 0.2)
            for i in 0..<parameter.value.count { parameter.value.data[i] += noise.data[i] }
        }
    }
}
