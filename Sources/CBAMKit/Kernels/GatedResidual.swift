import OneDNN

/// The end of every residual block, fused into one pass over a blocked activation:
///
///     out = relu?(x ⊙ channelScale ⊙ spatialScale + shortcut)
///
/// channelScale is [N, C] (SE's s, CBAM's Mc), spatialScale is [N, H·W] (CBAM's Ms);
/// each is optional, and so is the shortcut, so the same kernel is the plain
/// residual add, a broadcast multiply, and the SE and CBAM outputs.
enum GatedResidual {
    static func forward(_ x: Tensor, channelScale: Tensor? = nil, spatialScale: Tensor? = nil,
                        shortcut: Tensor? = nil, relu: Bool) -> Tensor {
        precondition(x.layout == .blocked && (shortcut?.shape ?? x.shape) == x.shape)
        let out = Tensor(shape: x.shape, layout: .blocked)
        let (c, blocks) = (x.channels, x.channelBlocks)
        Parallel.forEach(x.batch * blocks, minimumPerThread: 2) { row in
            let (image, block) = row.quotientAndRemainder(dividingBy: blocks)
            forward(x, row: row, channelScale: Pooling.channelScale(channelScale, image: image, block: block, channels: c),
                    spatialScale: spatialScale, shortcut: shortcut, relu: relu, into: out)
        }
        return out
    }

    /// `forward` of one block of 16 channels of one image (`row` = image · blocks +
    /// block), with that block's channel scale as a vector.
    @inline(__always)
    static func forward(_ x: Tensor, row: Int, channelScale s: Vector, spatialScale: Tensor?, shortcut: Tensor?,
                        relu: Bool, into out: Tensor) {
        let hw = x.spatial, start = row * hw * 16
        // Raw pointers, taken once: the loop runs once per vector.
        let (xData, outData, shortcutData) = (x.data, out.data, shortcut?.data)
        let pixels = spatialScale.map { $0.data + row / x.channelBlocks * hw }
        for p in 0..<hw {
            let i = start + p * 16
            var v = xData.vector(at: i) * s
            if let pixels { v *= pixels[p] }
            if let shortcutData { v += shortcutData.vector(at: i) }
            outData.setVector(relu ? v.relu() : v, at: i)
        }
    }

    /// The gradient entering the gated product, g = dy where out > 0 (all of dy without
    /// the ReLU); it is also the shortcut's gradient. dy's two summands are added here.
    static func maskedGradient(_ dy: SplitGradient, output: Tensor?) -> Tensor {
        guard let output else { return dy.total }
        return Elementwise.reluBackward(dy.first, plus: dy.second, output: output)
    }

    /// Σ over pixels of dgated·x per (image, channel), as [N, C]: the gradient of a
    /// channel scale. dgated = g ⊙ spatialScale + `extra` (the gradient that CBAM's
    /// channel pooling adds to x ⊙ Mc), computed on the fly.
    static func channelScaleGradient(_ g: Tensor, _ x: Tensor, spatialScale: Tensor?, extra: ChannelPoolGradient?) -> Tensor {
        let (n, c, hw, blocks) = (x.batch, x.channels, x.spatial, x.channelBlocks)
        let result = Tensor(shape: [n, c])
        let (gData, xData, spatial) = (g.data, x.data, spatialScale?.data)
        withPointers(extra) { pool in
            Parallel.forEach(n * blocks, minimumPerThread: 2) { row in
                let (image, block) = row.quotientAndRemainder(dividingBy: blocks)
                let start = row * hw * 16, lanes = Pooling.channelLanes(block: block, channels: c)
                var sum = Vector()
                for p in 0..<hw {
                    let i = start + p * 16
                    sum += gatedGradient(gData, i, image, block, p, hw, c, lanes, spatial, pool) * xData.vector(at: i)
                }
                for lane in 0..<min(16, c - block * 16) { result.data[image * c + block * 16 + lane] = sum[lane] }
            }
        }
        return result
    }

    /// Σ over channels of g·x·channelScale per (image, pixel), as [N, 1, H, W] (the
    /// shape of a spatial scale): its gradient. g is dy (its two summands added), masked
    /// by the ReLU as in `maskedGradient` with `output`, computed in the same pass and
    /// returned (CBAM's backward starts here, so that dy and g are read once for both).
    ///
    /// Each pixel's channel blocks are added lane by lane first, so that one
    /// horizontal sum per pixel remains.
    static func spatialScaleGradient(_ dy: SplitGradient, _ x: Tensor, channelScale: Tensor?,
                                     maskedBy output: Tensor? = nil) -> (masked: Tensor, gradient: Tensor) {
        let (n, c, hw, blocks) = (x.batch, x.channels, x.spatial, x.channelBlocks)
        let result = Tensor(shape: [n, 1, x.height, x.width])
        let writesG = output != nil || dy.second != nil
        let g = writesG ? Tensor(shape: dy.first.shape, layout: .blocked) : dy.first
        let (dyData, secondData, gData, xData, outData) = (dy.first.data, dy.second?.data, g.data, x.data, output?.data)
        Parallel.forEach(n, minimumPerThread: 1) { image in
            let sums = result.data + image * hw
            let scales = UnsafeMutablePointer<Vector>.allocate(capacity: blocks)
            defer { scales.deallocate() }
            for block in 0..<blocks { scales[block] = Pooling.channelScale(channelScale, image: image, block: block, channels: c) }
            let first = image * blocks * hw * 16
            for p in 0..<hw {
                var sum = Vector()
                for block in 0..<blocks {
                    let i = first + (block * hw + p) * 16
                    var d = dyData.vector(at: i)
                    if let secondData { d += secondData.vector(at: i) }
                    if let outData { d = d.masked(by: outData.vector(at: i)) }
                    if writesG { gData.setVector(d, at: i) }
                    sum += d * xData.vector(at: i) * scales[block]
                }
                sums[p] = sum.sum()
            }
        }
        return (g, result)
    }

    /// ∂x = dgated ⊙ channelScale + averageGradient/(H·W) + the maximum-pool
    /// gradient at each channel's maximum: everything that reaches x in a block.
    static func inputGradient(_ g: Tensor, channelScale: Tensor?, spatialScale: Tensor?, extra: ChannelPoolGradient?,
                              average: Tensor?, maximum: Tensor?, argmax: [Int32]) -> Tensor {
        let dx = Tensor(shape: g.shape, layout: .blocked)
        let (c, hw, blocks) = (g.channels, g.spatial, g.channelBlocks)
        let (gData, dxData, spatial) = (g.data, dx.data, spatialScale?.data)
        withPointers(extra) { pool in
            Parallel.forEach(g.batch * blocks, minimumPerThread: 2) { row in
                let (image, block) = row.quotientAndRemainder(dividingBy: blocks)
                let s = Pooling.channelScale(channelScale, image: image, block: block, channels: c)
                var spread = Vector()
                if let average {
                    for lane in 0..<min(16, c - block * 16) { spread[lane] = average.data[image * c + block * 16 + lane] / Float(hw) }
                }
                let start = row * hw * 16, lanes = Pooling.channelLanes(block: block, channels: c)
                for p in 0..<hw {
                    let i = start + p * 16
                    dxData.setVector(gatedGradient(gData, i, image, block, p, hw, c, lanes, spatial, pool) * s + spread, at: i)
                }
                if let maximum { Pooling.scatterMaximum(maximum, argmax, into: dx, image: image, block: block) }
            }
        }
        return dx
    }

    /// dgated at one pixel's block: g ⊙ spatialScale + the channel pooling's gradient
    /// (`lanes`: the block's `Pooling.channelLanes`). Raw pointers only: this runs once
    /// per vector, where reference counting would show.
    @inline(__always)
    private static func gatedGradient(_ g: UnsafeMutablePointer<Float>, _ i: Int, _ image: Int, _ block: Int, _ p: Int,
                                      _ hw: Int, _ c: Int, _ lanes: Vector, _ spatialScale: UnsafeMutablePointer<Float>?,
                                      _ pool: ChannelPoolGradient.Pointers?) -> Vector {
        var d = g.vector(at: i)
        if let spatialScale { d *= spatialScale[image * hw + p] }
        if let pool { d += Pooling.overChannelsGradient(pool, image: image, block: block, pixel: p, channelLanes: lanes, channels: c) }
        return d
    }

    private static func withPointers<R>(_ extra: ChannelPoolGradient?, _ body: (ChannelPoolGradient.Pointers?) -> R) -> R {
        guard let extra else { return body(nil) }
        return extra.argmax.withUnsafeBufferPointer {
            body(ChannelPoolGradient.Pointers(pooled: extra.pooled.data, argmax: $0.baseAddress!, spatial: extra.pooled.spatial))
        }
    }
}

/// The gradient of `Pooling.overChannels`' output, with where its maxima were.
struct ChannelPoolGradient {
    let pooled: Tensor
    let argmax: [Int32]

    /// The same, as raw pointers valid inside `GatedResidual.withPointers`.
    struct Pointers {
        let pooled: UnsafeMutablePointer<Float>
        let argmax: UnsafePointer<Int32>
        let spatial: Int
    }
}
