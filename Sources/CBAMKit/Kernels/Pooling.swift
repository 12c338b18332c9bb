import OneDNN

/// Pooling over a blocked activation, in the two directions CBAM needs:
/// over space (per channel: average and maximum) and over channels (per pixel:
/// maximum and mean).
enum Pooling {
    /// Average and maximum of each channel over H×W, as plain [N, C], and, when
    /// `locatingMaxima` (the maximum's backward needs them), the position (0..<H·W)
    /// of each maximum.
    static func overSpace(_ x: Tensor, locatingMaxima: Bool = true) -> SpatialPooling {
        precondition(x.layout == .blocked)
        return SpatialPooling.collecting(like: x, locatingMaxima: locatingMaxima) { pooled in
            Parallel.forEach(x.batch * x.channelBlocks, minimumPerThread: 2) { row in
                pooled.store(overSpace(x, row: row, locatingMaxima: locatingMaxima), row: row)
            }
        }
    }

    /// `overSpace` of one block of 16 channels of one image (`row` = image · blocks +
    /// block), as vectors: the averages, the maxima and where the maxima are.
    @inline(__always)
    static func overSpace(_ x: Tensor, row: Int, locatingMaxima: Bool) -> SpatialPooling.Row {
        let hw = x.spatial, first = x.data + row * hw * 16
        var pool = SpatialPooling.Accumulator(locatingMaxima: locatingMaxima)
        for p in 0..<hw { pool.add(first.vector(at: p * 16), pixel: p) }
        return pool.row(pixels: hw)
    }

    /// ∂x of `overSpace`: the average's gradient spread evenly, the maximum's sent to
    /// where the maximum was. Either gradient may be absent.
    static func overSpaceBackward(like x: Tensor, average: Tensor?, maximum: Tensor?, argmax: [Int32]) -> Tensor {
        let dx = Tensor(shape: x.shape, layout: .blocked)
        let (c, hw, blocks) = (x.channels, x.spatial, x.channelBlocks)
        Parallel.forEach(x.batch * blocks, minimumPerThread: 2) { row in
            let (image, block) = row.quotientAndRemainder(dividingBy: blocks)
            var spread = Vector()
            if let average {
                for lane in 0..<min(16, c - block * 16) { spread[lane] = average.data[image * c + block * 16 + lane] / Float(hw) }
            }
            let start = row * hw * 16
            for p in 0..<hw { dx.data.setVector(spread, at: start + p * 16) }
            if let maximum { scatterMaximum(maximum, argmax, into: dx, image: image, block: block) }
        }
        return dx
    }

    /// Adds each channel's maximum-gradient at the position of its maximum.
    static func scatterMaximum(_ maximum: Tensor, _ argmax: [Int32], into dx: Tensor, image: Int, block: Int) {
        let (c, hw, blocks) = (dx.channels, dx.spatial, dx.channelBlocks)
        let start = (image * blocks + block) * hw * 16
        for lane in 0..<min(16, c - block * 16) {
            let channel = image * c + block * 16 + lane
            dx.data[start + Int(argmax[channel]) * 16 + lane] += maximum.data[channel]
        }
    }

    /// Per pixel, the maximum and the mean over the channels of x (scaled per
    /// channel by `scale` [N, C] when given, without writing the scaled tensor):
    /// a plain [N, 2, H, W] tensor (maximum first, as the official CBAM code orders
    /// it) and, when `locatingMaxima` (backward needs them; inference does not), the
    /// channel of each maximum (the lowest channel among equal maxima).
    ///
    /// Each pixel's channel blocks are combined lane by lane first, so that one
    /// horizontal sum and maximum per pixel remain, not one per block (channels in
    /// order up to 16, as PyTorch adds them). The maximum and the search for the
    /// winning lane are halving trees; channel numbers ride in float lanes (exact
    /// below 2²⁴), as integer vector minima have no SSE2 instruction.
    static func overChannels(_ x: Tensor, scale: Tensor? = nil, locatingMaxima: Bool = true) -> (pooled: Tensor, argmax: [Int32]) {
        precondition(x.layout == .blocked)
        let (n, c, hw, blocks) = (x.batch, x.channels, x.spatial, x.channelBlocks)
        let pooled = Tensor(shape: [n, 2, x.height, x.width])
        var argmax = [Int32](repeating: 0, count: locatingMaxima ? n * hw : 0)
        argmax.withUnsafeMutableBufferPointer { argmax in
            Parallel.forEach(n, minimumPerThread: 1) { image in
                let scales = UnsafeMutablePointer<Vector>.allocate(capacity: blocks)
                defer { scales.deallocate() }
                for block in 0..<blocks { scales[block] = channelScale(scale, image: image, block: block, channels: c) }
                overChannels(x, image: image, scales: scales, into: pooled, argmax: locatingMaxima ? argmax.baseAddress! + image * hw : nil)
            }
        }
        return (pooled, argmax)
    }

    /// `overChannels` of one image, with its channel scales as one vector per block
    /// (zeros past C), into its two planes of `pooled`; the maxima's channels into
    /// `argmax` (hw of them) when given.
    @inline(__always)
    static func overChannels(_ x: Tensor, image: Int, scales: UnsafePointer<Vector>, into pooled: Tensor,
                             argmax: UnsafeMutablePointer<Int32>?) {
        let (c, hw, blocks) = (x.channels, x.spatial, x.channelBlocks)
        // −∞ in the padding lanes of the last block, which must not win the maximum.
        let padding = Vector().replacing(with: -.infinity, where: channelLanes(block: blocks - 1, channels: c) .== 0)
        let maxima = pooled.data + image * 2 * hw, means = maxima + hw
        let first = x.data + image * blocks * hw * 16
        var start = 0
        // 16 pixels at a time, whose horizontal maxima (and sums, in inference) are taken
        // together (`Vector.laneMaxima`, `laneSums`); with `argmax`, each pixel's first
        // channel that holds its maximum likewise, as the largest of the negated candidates.
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 64) { buffer in
            let (sums, bests, channels, scratch) = (buffer.baseAddress!, buffer.baseAddress! + 16,
                                                    buffer.baseAddress! + 32, buffer.baseAddress! + 48)
            while start + 16 <= hw {
                for q in 0..<16 {
                    (sums[q], bests[q], channels[q]) = combineBlocks(first, pixel: start + q, spatial: hw, blocks: blocks, scales: scales,
                                                                     padding: padding, locating: argmax != nil)
                }
                // laneMaxima overwrites what it reduces; finding the argmax reads the bests again.
                if argmax != nil { scratch.update(from: bests, count: 16) }
                let m = Vector.laneMaxima(of: argmax == nil ? bests : scratch)
                maxima.setVector(m, at: start)
                if argmax == nil {
                    means.setVector(Vector.laneSums(of: sums) / Float(c), at: start)
                } else {
                    // Training adds each pixel's lanes in the order the tail and earlier
                    // releases did, so that its gradients stay bit for bit what they were.
                    for q in 0..<16 { means[start + q] = sums[q].sum() / Float(c) }
                }
                if let argmax {
                    for q in 0..<16 {
                        channels[q] = -Vector(repeating: .infinity).replacing(with: channels[q], where: bests[q] .== Vector(repeating: m[q]))
                    }
                    let firstChannels = -Vector.laneMaxima(of: channels)
                    for q in 0..<16 { argmax[start + q] = Int32(firstChannels[q]) }
                }
                start += 16
            }
        }
        for p in start..<hw {
            let (sum, best, bestChannel) = combineBlocks(first, pixel: p, spatial: hw, blocks: blocks, scales: scales,
                                                         padding: padding, locating: argmax != nil)
            let m = best.horizontalMax()
            maxima[p] = m
            means[p] = sum.sum() / Float(c)
            if let argmax {
                argmax[p] = Int32(Vector(repeating: .infinity).replacing(with: bestChannel, where: best .== m).horizontalMin())
            }
        }
    }

    /// One pixel's channel blocks (`first`: its image), scaled, combined lane by lane:
    /// their sums, their maxima (−∞ in padding lanes: `padding` is added to the last
    /// block) and, when `locating`, the channel of each lane's maximum.
    /// Transparent: `@inline(__always)` left the per-pixel call out of line, a call
    /// per pixel that cost training a few per cent of the pooling.
    @_transparent
    private static func combineBlocks(_ first: UnsafeMutablePointer<Float>, pixel p: Int, spatial hw: Int, blocks: Int,
                                      scales: UnsafePointer<Vector>, padding: Vector,
                                      locating: Bool) -> (sum: Vector, maximum: Vector, channel: Vector) {
        var sum = Vector(), best = Vector(repeating: -.infinity), bestChannel = Vector()
        for block in 0..<blocks {
            let v = first.vector(at: (block * hw + p) * 16) * scales[block]
            sum += v
            let better = (block == blocks - 1 ? v + padding : v) .> best
            best.replace(with: v, where: better)
            if locating { bestChannel.replace(with: Vector.laneNumbers + Float(block * 16), where: better) }
        }
        return (sum, best, bestChannel)
    }

    /// One block of a per-channel scale [N, C] as a vector (ones when absent, zeros past C).
    @inline(__always)
    static func channelScale(_ scale: Tensor?, image: Int, block: Int, channels c: Int) -> Vector {
        var s = Vector()
        for lane in 0..<min(16, c - block * 16) { s[lane] = scale.map { $0.data[image * c + block * 16 + lane] } ?? 1 }
        return s
    }

    /// Ones in the lanes of a block that hold channels, zeros in its padding.
    @inline(__always)
    static func channelLanes(block: Int, channels c: Int) -> Vector {
        Vector(repeating: 1).replacing(with: 0, where: Vector.laneNumbers .>= Float(c - block * 16))
    }

    /// The gradient that `overChannels` sends to one pixel's block of channels:
    /// the maximum's gradient to the winning channel, the mean's spread over all C
    /// (`channelLanes`: the block's `channelLanes`). Without a branch or a lane store:
    /// the winner is in a given block for one pixel in `blocks` or so, unpredictably.
    @inline(__always)
    static func overChannelsGradient(_ pool: ChannelPoolGradient.Pointers, image: Int, block: Int, pixel p: Int,
                                     channelLanes: Vector, channels c: Int) -> Vector {
        let base = pool.pooled + image * 2 * pool.spatial
        let winner = Float(Int(pool.argmax[image * pool.spatial + p]) - block * 16)
        return channelLanes * (base[pool.spatial + p] / Float(c)) + Vector().replacing(with: base[p], where: Vector.laneNumbers .== winner)
    }
}
