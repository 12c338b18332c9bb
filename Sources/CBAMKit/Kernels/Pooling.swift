import OneDNN

/// Pooling over a blocked activation, in the two directions CBAM needs:
/// over space (per channel: average and maximum) and over channels (per pixel:
/// maximum and mean).
enum Pooling {
    /// Average and maximum of each channel over H×W, as plain [N, C], and, when
    /// `locatingMaxima` (the maximum's backward needs them), the position (0..<H·W)
    /// of each maximum.
    static func overSpace(_ x: Tensor, locatingMaxima: Bool = true) -> (average: Tensor, maximum: Tensor, argmax: [Int32]) {
        precondition(x.layout == .blocked)
        let (n, c, hw, blocks) = (x.batch, x.channels, x.spatial, x.channelBlocks)
        let average = Tensor(shape: [n, c]), maximum = Tensor(shape: [n, c])
        var argmax = [Int32](repeating: 0, count: locatingMaxima ? n * c : 0)
        argmax.withUnsafeMutableBufferPointer { argmax in
            Parallel.forEach(n * blocks, minimumPerThread: 2) { row in
                let (image, block) = row.quotientAndRemainder(dividingBy: blocks)
                let start = row * hw * 16
                var sum = Vector(), best = Vector(repeating: -.infinity), at = SIMD16<Int32>()
                for p in 0..<hw {
                    let v = x.data.vector(at: start + p * 16)
                    sum += v
                    let better = v .> best
                    best.replace(with: v, where: better)
                    if locatingMaxima { at.replace(with: Int32(p), where: better) }
                }
                for lane in 0..<min(16, c - block * 16) {
                    let channel = block * 16 + lane
                    average.data[image * c + channel] = sum[lane] / Float(hw)
                    maximum.data[image * c + channel] = best[lane]
                    if locatingMaxima { argmax[image * c + channel] = at[lane] }
                }
            }
        }
        return (average, maximum, argmax)
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
        // −∞ in the padding lanes of the last block, which must not win the maximum.
        let padding = Vector().replacing(with: -.infinity, where: channelLanes(block: blocks - 1, channels: c) .== 0)
        argmax.withUnsafeMutableBufferPointer { argmax in
            Parallel.forEach(n, minimumPerThread: 1) { image in
                let maxima = pooled.data + image * 2 * hw, means = maxima + hw
                let scales = UnsafeMutablePointer<Vector>.allocate(capacity: blocks)
                defer { scales.deallocate() }
                for block in 0..<blocks { scales[block] = channelScale(scale, image: image, block: block, channels: c) }
                let first = x.data + image * blocks * hw * 16
                for p in 0..<hw {
                    var sum = Vector(), best = Vector(repeating: -.infinity), bestChannel = Vector()
                    for block in 0..<blocks {
                        let v = first.vector(at: (block * hw + p) * 16) * scales[block]
                        sum += v
                        let better = (block == blocks - 1 ? v + padding : v) .> best
                        best.replace(with: v, where: better)
                        if locatingMaxima { bestChannel.replace(with: Vector.laneNumbers + Float(block * 16), where: better) }
                    }
                    let m = best.horizontalMax()
                    maxima[p] = m
                    means[p] = sum.sum() / Float(c)
                    if locatingMaxima {
                        argmax[image * hw + p] = Int32(Vector(repeating: .infinity).replacing(with: bestChannel, where: best .== m).horizontalMin())
                    }
                }
            }
        }
        return (pooled, argmax)
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
