import OneDNN

/// Row softmax passes over a plain tensor (see `RowSoftmax`), rows split across the
/// thread team, each row in vectors with its tail masked.
enum SoftmaxKernels {
    /// p = softmax(scale·x) along the last dimension.
    static func forward(_ x: Tensor, scale: Float) -> Tensor {
        let length = x.shape.last!
        let p = Tensor(shape: x.shape)
        let runs = VectorRuns(length)
        forEachRow(x.count / length, length) { offset in
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
        return p
    }

    /// ∂x = scale · p ⊙ (∂p − Σⱼ ∂pⱼ·pⱼ), per row.
    static func backward(_ dp: Tensor, probabilities p: Tensor, scale: Float) -> Tensor {
        let length = p.shape.last!
        let dx = Tensor(shape: p.shape)
        let runs = VectorRuns(length)
        forEachRow(p.count / length, length) { offset in
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

    @inline(__always)
    private static func forEachRow(_ rows: Int, _ length: Int, _ body: (Int) -> Void) {
        Parallel.forEachChunk(rows, minimumPerThread: max(1, 2048 / length)) { range, _ in
            for row in range { body(row * length) }
        }
    }
}
