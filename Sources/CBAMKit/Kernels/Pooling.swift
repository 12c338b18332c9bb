import OneDNN

/// Pooling over a blocked activation, in the two directions CBAM needs:
/// over space (per channel: average and maximum) and over channels (per pixel:
/// maximum and mean).
enum Pooling {
    /// Average and maximum of each channel over H×W, as plain [N, C], and the
    /// position (0..<H·W) of each maximum.
    static func overSpace(_ x: Tensor) -> (average: Tensor, maximum: Tensor, argmax: [Int32]) {
        precondition(x.layout == .blocked)
        let (n, c, hw, blocks) = (x.batch, x.channels, x.spatial, x.channelBlocks)
        let average = Tensor(shape: [n, c]), maximum = Tensor(shape: [n, c])
        var argmax = [Int32](repeating: 0, count: n * c)
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
                    at.replace(with: Int32(p), where: better)
                }
                for lane in 0..<min(16, c - block * 16) {
                    let channel = block * 16 + lane
                    average.data[image * c + channel] = sum[lane] / Float(hw)
                    maximum.data[image * c + channel] = best[lane]
                    argmax[image * c + channel] = at[lane]
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
    /// it) and the channel of each maximum (the lowest channel among equal maxima).
    ///
    /// Each pixel's channel blocks are combined lane by lane first, so that one
    /// horizontal sum and maximum per pixel remain, not one per block.
    static func overChannels(_ x: Tensor, scale: Tensor? = nil) -> (pooled: Tensor, argmax: [Int32]) {
        precondition(x.layout == .blocked)
        let (n, c, hw, blocks) = (x.batch, x.channels, x.spatial, x.channelBlocks)
        let pooled = Tensor(shape: [n, 2, x.height, x.width])
        var argmax = [Int32](repeating: 0, count: n * hw)
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        argmax.withUnsafeMutableBufferPointer { argmax in
            Parallel.forEach(n, minimumPerThread: 1) { image in
                let maxima = pooled.data + image * 2 * hw, means = maxima + hw
                let at = argmax.baseAddress! + image * hw
                // Per block: its scale, and −∞ in the padding lanes (which must not win the maximum).
                let scales = (0..<blocks).map { channelScale(scale, image: image, block: $0, channels: c) }
                let paddings = (0..<blocks).map { block -> Vector in
                    var padding = Vector()
                    for lane in min(16, c - block * 16)..<16 { padding[lane] = -.infinity }
                    return padding
                }
                let first = x.data + image * blocks * hw * 16
                for p in 0..<hw {
                    var sum = Vector(), best = Vector(repeating: -.infinity), bestChannel = SIMD16<Int32>()
                    for block in 0..<blocks {
                        let v = first.vector(at: (block * hw + p) * 16) * scales[block]
                        sum += v
                        let candidate = v + paddings[block]
                        let better = candidate .> best
                        best.replace(with: candidate, where: better)
                        bestChannel.replace(with: lanes &+ Int32(block * 16), where: better)
                    }
                    let m = best.max()
                    maxima[p] = m
                    means[p] = sum.sum() / Float(c)
                    at[p] = SIMD16<Int32>(repeating: .max).replacing(with: bestChannel, where: best .== m).min()
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

    /// The gradient that `overChannels` sends to one pixel's block of channels:
    /// the maximum's gradient to the winning channel, the mean's spread over all C.
    @inline(__always)
    static func overChannelsGradient(_ pool: ChannelPoolGradient.Pointers, image: Int, block: Int, pixel p: Int, channels c: Int) -> Vector {
        let base = pool.pooled + image * 2 * pool.spatial
        var g = Vector(repeating: base[pool.spatial + p] / Float(c))
        for lane in min(16, c - block * 16)..<16 { g[lane] = 0 }
        let winner = Int(pool.argmax[image * pool.spatial + p]) - block * 16
        if winner >= 0 && winner < 16 { g[winner] += base[p] }
        return g
    }
}
