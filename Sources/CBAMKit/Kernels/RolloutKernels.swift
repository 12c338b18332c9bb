import OneDNN

/// The arithmetic of attention rollout (see `VisionTransformer.attentionRollout`).
enum RolloutKernels {
    /// (mean over heads of P + I), rows renormalised: [N, H, Q, T] → [N, Q, T], where
    /// the Q query rows are the first Q tokens (all T, or the class token alone).
    static func residualAttention(_ p: Tensor) -> Tensor {
        let (n, h, q, t) = (p.shape[0], p.shape[1], p.shape[2], p.shape[3])
        let out = Tensor.zeros([n, q, t])
        for image in 0..<n {
            let target = out.data + image * q * t
            for head in 0..<h {
                let source = p.data + (image * h + head) * q * t
                for i in 0..<(q * t) { target[i] += source[i] / Float(h) }
            }
            for i in 0..<q {
                let row = target + i * t
                row[i] += 1
                var sum: Float = 0
                for j in 0..<t { sum += row[j] }
                for j in 0..<t { row[j] /= sum }
            }
        }
        return out
    }

    /// r·A₁·A₂·…, image by image: rows [N, 1, T] through matrices [N, T, T], in order.
    static func propagate(_ rows: Tensor, through matrices: [Tensor]) -> Tensor {
        let (n, t) = (rows.shape[0], rows.shape[2])
        let product = MatrixMultiply(.init(batch: n, m: 1, n: t, k: t))
        var row = rows
        for matrix in matrices {
            let next = Tensor(shape: [n, 1, t])
            product.run(row.data, matrix.data, into: next.data)
            row = next
        }
        return row
    }
}
