import OneDNN

/// Between a blocked patch feature map [N, d, gh, gw] and a plain token sequence
/// [N, 1 + gh·gw, d] (see `TokenEmbedding`). Blocked patches are the token layout
/// already, 16 features at a time: each pixel's 16 channels of a block are one vector.
enum TokenKernels {
    /// tokens[n, 0] = cls + pos[0],   tokens[n, 1 + p] = patches[n, :, p] + pos[1 + p].
    static func embed(_ patches: Tensor, classToken: Tensor, positions: Tensor) -> Tensor {
        let (d, t) = (positions.shape[2], positions.shape[1])
        let (hw, blocks) = (patches.spatial, patches.channelBlocks)
        let out = Tensor(shape: [patches.batch, t, d])
        let (cls, pos) = (classToken.data, positions.data)
        let runs = VectorRuns(d)
        Parallel.forEach(patches.batch, minimumPerThread: 2) { image in
            let rows = out.data + image * t * d
            runs.forEach { j, n, _ in rows.setVector(cls.vector(at: j) + pos.vector(at: j), at: j, count: n) }
            for block in 0..<blocks {
                let j = block * 16, n = min(16, d - j)
                let source = patches.data + (image * blocks + block) * hw * 16
                for p in 0..<hw {
                    let token = (1 + p) * d + j
                    rows.setVector(source.vector(at: p * 16) + pos.vector(at: token), at: token, count: n)
                }
            }
        }
        return out
    }

    /// ∂patches (blocked, shaped `patchShape`, zero padding lanes) from ∂tokens; fills
    /// ∂cls = Σₙ ∂tokens[n, 0] and ∂pos = Σₙ ∂tokens[n] (overwritten).
    static func backward(_ dTokens: Tensor, patchShape: [Int], classTokenGradient: Tensor, positionsGradient: Tensor) -> Tensor {
        let (t, d) = (positionsGradient.shape[1], positionsGradient.shape[2])
        ColumnSums.sum(dTokens.data, rows: dTokens.count / (t * d), columns: t * d, into: positionsGradient.data)
        classTokenGradient.data.update(from: positionsGradient.data, count: d)
        let dPatches = Tensor(shape: patchShape, layout: .blocked)
        let (hw, blocks) = (dPatches.spatial, dPatches.channelBlocks)
        Parallel.forEach(dPatches.batch, minimumPerThread: 2) { image in
            let rows = dTokens.data + image * t * d
            for block in 0..<blocks {
                let j = block * 16, n = min(16, d - j)
                let target = dPatches.data + (image * blocks + block) * hw * 16
                let keep = Vector.ones(firstLanes: n)
                for p in 0..<hw { target.setVector(rows.vector(at: (1 + p) * d + j) * keep, at: p * 16) }
            }
        }
        return dPatches
    }
}
