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
            return RolloutKernels.residualAttention(p)
        }
        // The class row of Â_L·…·Â_1, from the left: r = e₀ᵀ·Â_L, then r = r·Â_l.
        // (The last block computed only the class token's row of its attention.)
        let row = RolloutKernels.propagate(maps.last!.slice(0..<1, axis: 1), through: maps.dropLast().reversed())
        let (n, t) = (row.shape[0], row.shape[2])
        let (gh, gw) = grid
        return row.slice(1..<t, axis: 2).reshaped([n, gh, gw])  // the patches, without the class token
    }
}
