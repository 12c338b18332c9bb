import OneDNN

/// softmax(scale·x) along the last dimension of a plain tensor: attention's
/// probabilities from its scores, with the 1/√dₕ scaling folded into the same pass.
/// Backward: ∂x = scale · p ⊙ (∂p − Σⱼ ∂pⱼ·pⱼ), per row.
public final class RowSoftmax: Layer {
    public let scale: Float
    private(set) var output: Tensor?

    public init(scale: Float = 1) { self.scale = scale }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        Profiler.measure("softmax") {
            let length = x.shape.last!
            let p = Tensor(shape: x.shape)
            let scale = scale
            let runs = VectorRuns(length)
            RowSoftmax.forEachRow(x.count / length, length) { offset in
                let row = x.data + offset, out = p.data + offset
                var highest = Vector(repeating: -.infinity)
                runs.forEach { j, _, keep in
                    highest = highest.larger(row.vector(at: j) * keep + (keep - 1) * 1e30)
                }
                let top = highest.max()
                var sum = Vector()
                runs.forEach { j, n, keep in
                    let e = ((row.vector(at: j) - top) * scale).exp() * keep
                    out.setVector(e, at: j, count: n)
                    sum += e
                }
                let inverse = 1 / sum.sum()
                runs.forEach { j, n, _ in out.setVector(out.vector(at: j) * inverse, at: j, count: n) }
            }
            output = mode.keepsActivations ? p : nil
            return p
        }
    }

    public func backward(_ dp: Tensor) -> Tensor {
        Profiler.measure("softmax") {
            guard let p = output else { preconditionFailure("RowSoftmax.backward without a forward that keeps activations") }
            let length = p.shape.last!
            let dx = Tensor(shape: p.shape)
            let scale = scale
            let runs = VectorRuns(length)
            RowSoftmax.forEachRow(p.count / length, length) { offset in
                let probabilities = p.data + offset, gradient = dp.data + offset, out = dx.data + offset
                var dot = Vector()
                runs.forEach { j, _, keep in dot += probabilities.vector(at: j) * gradient.vector(at: j) * keep }
                let total = dot.sum()
                runs.forEach { j, n, _ in
                    let v = probabilities.vector(at: j) * (gradient.vector(at: j) - total) * scale
                    out.setVector(v, at: j, count: n)
                }
            }
            return dx
        }
    }

    /// The last forward's probabilities (kept in training and explaining modes).
    public var probabilities: Tensor? { output }

    @inline(__always)
    private static func forEachRow(_ rows: Int, _ length: Int, _ body: (Int) -> Void) {
        Parallel.forEachChunk(rows, minimumPerThread: max(1, 2048 / length)) { range, _ in
            for row in range { body(row * length) }
        }
    }
}
