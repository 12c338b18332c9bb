import OneDNN

/// CBAM's inference forward (`CBAM`), one image at a time on each thread:
///
///     Mc = channel gate(F),   Ms = spatial gate(F ⊙ Mc),   out = relu(F ⊙ Mc ⊙ Ms + shortcut)
///
/// Batch-wide passes read F three times (pooling over space, pooling over channels,
/// the gated residual), and at batch 256 F is tens of MB, so each read comes from
/// memory. Image by image, the first read brings an image's F into L2 (128 KB for
/// 32 channels of 32×32) and the other two find it there. The shared MLP runs per
/// image in registers (`ChannelAttentionKernel`), the 7×7 convolution per image on
/// `DirectConvolution`; every other step is the training path's own kernel on one
/// image, so Mc and Ms equal the batch-wide ones but for the MLP's rounding.
///
/// Each thread needs an image of its own: smaller batches (batch-1 latency) run
/// the batch-wide passes, which split an image's channel blocks across threads.
struct CBAMInference {
    let channelAttention: ChannelAttentionKernel
    /// The spatial gate's 2 → 1 convolution with its BatchNorm folded in.
    let spatial: DirectConvolution
    let spatialWeights, spatialBias: Tensor

    /// Whether a batch of `batch` images should run here.
    static func handles(batch: Int) -> Bool { batch >= Parallel.threadCount }

    /// out, Mc [N, C] and Ms [N, 1, H, W], from blocked F and shortcut.
    func forward(_ f: Tensor, shortcut: Tensor) -> (out: Tensor, channelAttention: Tensor, spatialAttention: Tensor) {
        precondition(f.layout == .blocked && shortcut.shape == f.shape && f.channels == channelAttention.channels)
        let (n, c, hw, blocks) = (f.batch, f.channels, f.spatial, f.channelBlocks)
        let out = Tensor(shape: f.shape, layout: .blocked), mc = Tensor(shape: [n, c])
        let pooled = Tensor(shape: [n, 2, f.height, f.width]), ms = Tensor(shape: [n, 1, f.height, f.width])
        let pixels = VectorRuns(hw)
        Parallel.forEachChunk(n) { images, _ in
            let vectors = UnsafeMutablePointer<Vector>.allocate(capacity: 3 * blocks)
            defer { vectors.deallocate() }
            let (average, maximum, scales) = (vectors, vectors + blocks, vectors + 2 * blocks)
            for image in images {
                for block in 0..<blocks {
                    (average[block], maximum[block], _) = Pooling.overSpace(f, row: image * blocks + block, locatingMaxima: false)
                }
                channelAttention.gate(average: average, maximum: maximum, into: scales)
                for channel in 0..<c { mc.data[image * c + channel] = scales[channel / 16][channel % 16] }
                Pooling.overChannels(f, image: image, scales: scales, into: pooled, argmax: nil)
                spatial.forward(pooled, image: image, weights: spatialWeights.data, bias: spatialBias.data, into: ms)
                let gate = ms.data + image * hw
                pixels.forEach { start, count, _ in gate.setVector(gate.vector(at: start).fastSigmoid(), at: start, count: count) }
                for block in 0..<blocks {
                    GatedResidual.forward(f, row: image * blocks + block, channelScale: scales[block], spatialScale: ms,
                                          shortcut: shortcut, relu: true, into: out)
                }
            }
        }
        return (out, mc, ms)
    }
}
