import OneDNN

/// Row softmax passes over a plain tensor (see `RowSoftmax`), rows split across the
/// thread team, each row in vectors with its tail masked.
enum SoftmaxKernels {
    /// p = softmax(scale·x) along the last dimension. Plain loops rather than
    /// `VectorRuns.forEach`: through its closures, this pass (with its e^x) was compiled
    /// out of line and called once per vector.
    static func forward(_ x: Tensor, scale: Float) -> Tensor {
        let length = x.shape.last!
        let p = Tensor(shape: x.shape)
        let runs = VectorRuns(length)
        forEachRow(x.count / length, length) { offset in
            let row = x.data + offset, out = p.data + offset
            var highest = Vector(repeating: -.infinity)
            for j in stride(from: 0, to: length, by: 16) {
                let keep = j < runs.whole ? Vector(repeating: 1) : runs.tailKeep
                highest = highest.larger(row.vector(at: j) * keep + (keep - 1) * 1e30)
            }
            let top = highest.horizontalMax()
            var sum = Vector()
            for j in stride(from: 0, to: length, by: 16) {
                let keep = j < runs.whole ? Vector(repeating: 1) : runs.tailKeep
                let e = ((row.vector(at: j) - top) * scale).exp() * keep
                out.setVector(e, at: j, count: length - j)
                sum += e
            }
            let inverse = 1 / sum.sum()
            for j in stride(from: 0, to: length, by: 16) { out.setVector(out.vector(at: j) * inverse, at: j, count: length - j) }
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
