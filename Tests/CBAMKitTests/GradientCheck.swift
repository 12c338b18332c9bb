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
/// is off by ~1e-6·|L|, which the difference divides by 2h = 2e-2, i.e. ~1e-4
/// relative. The O(h²) truncation term is of the same order, and a direction that
/// crosses a ReLU kink or swaps a maximum moves L by O(h²) per crossing element.
/// A 1e-2 relative bound therefore passes a correct backward with margin and
/// fails on any real mistake (a missing term is typically 10–100 % off).
///
/// Deep stacks of ReLU and BatchNorm over few values bend sharply even at this
/// step (a kink crossed moves L by O(h) instead of O(h²)), so the difference is
/// also taken at step h/4 and the bound widened by twice the disagreement of the
/// two estimates: a correct gradient lies where they converge, a wrong one does not
/// (the two estimates agree with each other, not with it).
struct GradientCheck {
    var step: Float = 1e-3
    var tolerance: Double = 1e-2
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
        func loss() -> Double {
            let out = forward().scalars
            var sum = 0.0
            for i in out.indices { sum += Double(out[i]) * Double(r.data[i]) }
            return sum
        }
        _ = loss()  // the pass whose activations backward uses
        let gradients = backward(rBlocked)
        XCTAssertEqual(gradients.count, tensors.count, "\(name): one gradient per checked tensor", file: file, line: line)
        for ((label, t), gradient) in zip(tensors, gradients) {
            XCTAssertEqual(gradient.shape, t.shape, "\(name) \(label): gradient shape", file: file, line: line)
            let direction = random(t.shape)
            let g = gradient.scalars
            var analytic = 0.0
            for i in 0..<t.count { analytic += Double(g[i]) * Double(direction.data[i]) }
            func centralDifference(_ h: Float) -> Double {
                let original = Array(UnsafeBufferPointer(start: t.data, count: t.count))
                for i in 0..<t.count { t.data[i] = original[i] + h * direction.data[i] }
                let plus = loss()
                for i in 0..<t.count { t.data[i] = original[i] - h * direction.data[i] }
                let minus = loss()
                for i in 0..<t.count { t.data[i] = original[i] }
                return (plus - minus) / (2 * Double(h))
            }
            let numeric = centralDifference(step)
            let finer = centralDifference(step / 4)
            let scale = max(abs(numeric), abs(analytic), 1e-3)
            let error = abs(finer - analytic)
            let bound = tolerance * scale + 2 * abs(numeric - finer)
            XCTAssertLessThan(error, bound, "\(name) \(label): analytic \(analytic), numeric \(numeric) (step h), \(finer) (step h/4)",
                              file: file, line: line)
        }
    }
}
