import OneDNN

/// Per-channel reductions and affine maps over a 4-D activation, blocked or plain.
/// BatchNorm is built from these two passes in both directions:
///   forward:  sums(x, x) gives Σx and Σx²; affine(x) applies γ·x̂ + β (and ReLU).
///   backward: sums(dy, x, mask: y) gives Σdz and Σdz·x; affine(dy, mask: y, x) gives dx.
enum ChannelKernels {
    /// Σ u′ and Σ u′·v per channel, where u′ = u, or u where `mask` > 0.
    static func sums(_ u: Tensor, _ v: Tensor, mask: Tensor? = nil) -> (u: [Double], uv: [Double]) {
        let c = u.channels
        var partials = Array(repeating: Array(repeating: 0.0, count: 2 * paddedChannels(u)), count: Parallel.threadCount)
        partials.withUnsafeMutableBufferPointer { partials in
            let rows = u.batch * rowsPerImage(u)
            Parallel.forEachChunk(rows, minimumPerThread: 2) { range, thread in
                partials[thread].withUnsafeMutableBufferPointer { acc in
                    for row in range { accumulate(row: row, u, v, mask, into: acc.baseAddress!) }
                }
            }
        }
        let total = sumPartials(partials)
        let padded = paddedChannels(u)
        return (Array(total[0..<c]), Array(total[padded..<(padded + c)]))
    }

    /// out = relu?(uScale ⊙ u′ + vScale ⊙ v + shift), per channel; u′ as in `sums`.
    static func affine(_ u: Tensor, uScale: [Float], mask: Tensor? = nil,
                       v: Tensor? = nil, vScale: [Float]? = nil,
                       shift: [Float], relu: Bool) -> Tensor {
        let out = Tensor(shape: u.shape, layout: u.layout)
        let count = paddedChannels(u)
        let a = padded(uScale, to: count), b = padded(vScale ?? [], to: count), s = padded(shift, to: count)
        let rows = u.batch * rowsPerImage(u)
        Parallel.forEach(rows, minimumPerThread: 2) { row in
            applyAffine(row: row, u, mask, v, a, b, s, relu, out)
        }
        return out
    }

    // MARK: Rows
    // A row is one contiguous run: (image, channel block) when blocked, (image, channel) when plain.

    private static func rowsPerImage(_ t: Tensor) -> Int {
        t.layout == .blocked ? t.channelBlocks : t.channels
    }

    private static func paddedChannels(_ t: Tensor) -> Int {
        t.layout == .blocked ? t.channelBlocks * Tensor.blockSize : t.channels
    }

    private static func accumulate(row: Int, _ u: Tensor, _ v: Tensor, _ mask: Tensor?, into acc: UnsafeMutablePointer<Double>) {
        let n = u.spatial
        let second = paddedChannels(u)
        if u.layout == .blocked {
            let start = row * n * 16
            let channel0 = (row % u.channelBlocks) * 16
            var su = Vector(), suv = Vector()
            for i in stride(from: start, to: start + n * 16, by: 16) {
                var x = u.data.vector(at: i)
                if let mask { x = x.masked(by: mask.data.vector(at: i)) }
                su += x
                suv += x * v.data.vector(at: i)
            }
            for lane in 0..<16 {
                acc[channel0 + lane] += Double(su[lane])
                acc[second + channel0 + lane] += Double(suv[lane])
            }
        } else {
            let start = row * n
            let channel = row % u.channels
            var su = Vector(), suv = Vector()
            var i = start
            while i + 16 <= start + n {
                var x = u.data.vector(at: i)
                if let mask { x = x.masked(by: mask.data.vector(at: i)) }
                su += x
                suv += x * v.data.vector(at: i)
                i += 16
            }
            var tailU: Float = 0, tailUV: Float = 0
            while i < start + n {
                let x = mask.map { $0.data[i] > 0 } ?? true ? u.data[i] : 0
                tailU += x
                tailUV += x * v.data[i]
                i += 1
            }
            acc[channel] += Double(su.sum() + tailU)
            acc[second + channel] += Double(suv.sum() + tailUV)
        }
    }

    private static func applyAffine(row: Int, _ u: Tensor, _ mask: Tensor?, _ v: Tensor?,
                                    _ a: [Float], _ b: [Float], _ s: [Float], _ relu: Bool, _ out: Tensor) {
        let n = u.spatial
        if u.layout == .blocked {
            let start = row * n * 16
            let channel0 = (row % u.channelBlocks) * 16
            let scale = Vector(a[channel0..<(channel0 + 16)])
            let shift = Vector(s[channel0..<(channel0 + 16)])
            let vScale = v == nil ? Vector() : Vector(b[channel0..<(channel0 + 16)])
            for i in stride(from: start, to: start + n * 16, by: 16) {
                var x = u.data.vector(at: i)
                if let mask { x = x.masked(by: mask.data.vector(at: i)) }
                var y = scale * x + shift
                if let v { y += vScale * v.data.vector(at: i) }
                out.data.setVector(relu ? y.relu() : y, at: i)
            }
        } else {
            let start = row * n
            let channel = row % u.channels
            let scale = a[channel], shift = s[channel], vScale = v == nil ? 0 : b[channel]
            for i in start..<(start + n) {
                var x = u.data[i]
                if let mask, mask.data[i] <= 0 { x = 0 }
                var y = scale * x + shift
                if let v { y += vScale * v.data[i] }
                out.data[i] = relu ? max(y, 0) : y
            }
        }
    }
}
