import OneDNN

extension VisionTransformer {
    /// Attention rollout (Abnar & Zuidema, 2020) of the last forward, which must have
    /// kept its activations (`.explaining` or `.training`): per block, the heads'
    /// mean attention A plus the identity (the residual path), rows renormalised to
    /// sum to 1; the product of these through the blocks; and of that, the class
    /// token's row over the patches, as [N, gridHeight, gridWidth]. Values are the
    /// rollout's own (they sum to less than 1 per image; scale them for display).
    public func attentionRollout() -> Tensor {
        let maps = blocks.map { block -> Tensor in
            guard let p = block.attn.probabilities else {
                preconditionFailure("attention rollout needs a forward in a mode that keeps activations (.explaining)")
            }
            return VisionTransformer.residualAttention(p)
        }
        let (n, t) = (maps[0].shape[0], maps[0].shape[2])
        // The class row of Â_L·…·Â_1, from the left: r = e₀ᵀ·Â_L, then r = r·Â_l.
        // (The last block computed only the class token's row of its attention.)
        let last = maps.last!, lastRows = last.shape[1]
        var row = Tensor(shape: [n, 1, t])
        for image in 0..<n { (row.data + image * t).update(from: last.data + image * lastRows * t, count: t) }
        let product = MatrixMultiply(.init(batch: n, m: 1, n: t, k: t))
        for map in maps.dropLast().reversed() {
            let next = Tensor(shape: [n, 1, t])
            product.run(row.data, map.data, into: next.data)
            row = next
        }
        let (gh, gw) = grid
        let out = Tensor(shape: [n, gh, gw])
        for image in 0..<n { (out.data + image * gh * gw).update(from: row.data + image * t + 1, count: gh * gw) }
        return out
    }

    /// (mean over heads of P + I), rows renormalised: [N, H, Q, T] → [N, Q, T], where
    /// the Q query rows are the first Q tokens (all T, or the class token alone).
    private static func residualAttention(_ p: Tensor) -> Tensor {
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
}
