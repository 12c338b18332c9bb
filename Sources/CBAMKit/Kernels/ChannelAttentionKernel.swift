/// CBAM's channel attention for one image from its pooled vectors, in registers:
///
///     Mc = sigmoid(MLP(avg) + MLP(max)) = sigmoid(W₂·(relu(W₁·avg + b₁) + relu(W₁·max + b₁)) + 2·b₂)
///
/// (`BottleneckMLP`, W₂ taken out of the sum). Inference runs the gates image by image
/// (`CBAMInference`), where a oneDNN product per image would cost more than its few
/// thousand multiply-adds; the training path keeps oneDNN's batched product, which
/// backward needs. Sums run in another order than oneDNN's: Mc agrees to rounding.
///
/// The pooled vectors and Mc come as one vector per block of 16 channels, so the
/// weights are kept per block too, with zeros past C: W₁ as [hidden, blocks·16] and
/// W₂ transposed, likewise.
struct ChannelAttentionKernel {
    let channels, hidden, blocks: Int
    private let reduce, expand, reduceBias, expandBias: Tensor

    /// From the MLP's Linears, C → hidden and hidden → C.
    init(reduce: Linear, expand: Linear) {
        (channels, hidden, blocks) = (reduce.inputFeatures, reduce.outputFeatures, Tensor.blocks(reduce.inputFeatures))
        let width = blocks * 16
        let (w1, b1) = (Tensor.zeros([hidden, width]), Tensor.zeros([hidden]))
        let (w2, b2) = (Tensor.zeros([hidden, width]), Tensor.zeros([width]))
        let (reduceWeights, expandWeights) = (reduce.weight.value.data, expand.weight.value.data)
        for j in 0..<hidden {
            for c in 0..<channels {
                w1.data[j * width + c] = reduceWeights[j * channels + c]
                w2.data[j * width + c] = expandWeights[c * hidden + j]
            }
            b1.data[j] = reduce.bias?.value.data[j] ?? 0
        }
        for c in 0..<channels { b2.data[c] = 2 * (expand.bias?.value.data[c] ?? 0) }
        (self.reduce, self.expand, reduceBias, expandBias) = (w1, w2, b1, b2)
    }

    /// Mc of one image, one vector per block (zeros past C), from its average- and
    /// max-pooled vectors.
    func gate(average: UnsafePointer<Vector>, maximum: UnsafePointer<Vector>, into mc: UnsafeMutablePointer<Vector>) {
        let width = blocks * 16, (w1, w2, b1, b2) = (reduce.data, expand.data, reduceBias.data, expandBias.data)
        for block in 0..<blocks { mc[block] = b2.vector(at: block * 16) }
        // One hidden unit at a time: its two activations, then its column of W₂ added
        // into every block, so no hidden vector needs storing.
        for j in 0..<hidden {
            let w = w1 + j * width
            var a = Vector(), m = Vector()
            for block in 0..<blocks {
                let weights = w.vector(at: block * 16)
                a += weights * average[block]
                m += weights * maximum[block]
            }
            let b = b1[j]
            let h = max(a.sum() + b, 0) + max(m.sum() + b, 0)
            let column = w2 + j * width
            for block in 0..<blocks { mc[block] += h * column.vector(at: block * 16) }
        }
        for block in 0..<blocks { mc[block] = mc[block].sigmoid() * Pooling.channelLanes(block: block, channels: channels) }
    }
}
