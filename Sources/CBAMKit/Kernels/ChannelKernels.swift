import OneDNN

/// Per-channel reductions and affine maps over a 4-D activation, blocked or plain.
/// BatchNorm is built from these two passes in both directions:
///   forward:  sums(x, x) gives Σx and Σx²; affine(x) applies γ·x̂ + β (and ReLU).
///   backward: sums(dy, x, gate:) gives Σdz and Σdz·x; affine(dy, gate:, x) gives dx,
///   where the gate is the forward's ReLU, recomputed from x (so its output need not be kept).
enum ChannelKernels {
    /// A ReLU that followed the per-channel map y = scale·v + shift: it passed where y > 0.
    /// Computed with the same operations as `affine`'s forward, so it passes exactly there.
    struct ReLUGate {
        let scale, shift: [Float]
    }

    /// Σ u′ and Σ u′·v per channel, where u′ = u, or u where `gate` passed.
    static func sums(_ u: Tensor, _ v: Tensor, gate: ReLUGate? = nil) -> (u: [Double], uv: [Double]) {
        let c = u.channels
        var partials = Array(repeating: Array(repeating: 0.0, count: 2 * paddedChannels(u)), count: Parallel.threadCount)
        let wholeGate = gate.map { paddedGate($0, to: paddedChannels(u)) }
        partials.withUnsafeMutableBufferPointer { partials in
            let rows = u.batch * rowsPerImage(u)
            Parallel.forEachChunk(rows, minimumPerThread: 2) { range, thread in
                partials[thread].withUnsafeMutableBufferPointer { acc in
                    for row in range { accumulate(row: row, u, v, wholeGate, into: acc.baseAddress!) }
                }
            }
        }
        let total = sumPartials(partials)
        let padded = paddedChannels(u)
        return (Array(total[0..<c]), Array(total[padded..<(padded + c)]))
    }

    /// out = relu?(uScale ⊙ u′ + vScale ⊙ v + shift), per channel; u′ as in `sums` (a gate
    /// needs v). With `pooledInto`, also out's `SpatialPooling`, row by row as out is
    /// written (blocked u only).
    static func affine(_ u: Tensor, uScale: [Float], gate: ReLUGate? = nil,
                       v: Tensor? = nil, vScale: [Float]? = nil,
                       shift: [Float], relu: Bool, pooledInto pooled: SpatialPooling.Writer? = nil) -> Tensor {
        precondition(pooled == nil || u.layout == .blocked)
        precondition(gate == nil || v != nil, "the ReLU gate is recomputed from v")
        let out = Tensor(shape: u.shape, layout: u.layout)
        let count = paddedChannels(u)
        let a = padded(uScale, to: count), b = padded(vScale ?? [], to: count), s = padded(shift, to: count)
        let wholeGate = gate.map { paddedGate($0, to: count) }
        let rows = u.batch * rowsPerImage(u)
        Parallel.forEach(rows, minimumPerThread: 2) { row in
            applyAffine(row: row, u, wholeGate, v, a, b, s, relu, out, pooled)
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

    private static func accumulate(row: Int, _ u: Tensor, _ v: Tensor, _ gate: ReLUGate?, into acc: UnsafeMutablePointer<Double>) {
        let n = u.spatial
        let second = paddedChannels(u)
        if u.layout == .blocked {
            let start = row * n * 16
            let channel0 = (row % u.channelBlocks) * 16
            let (gateScale, gateShift) = gate.map { gateVectors($0, channel0: channel0) } ?? (Vector(), Vector())
            var su = Vector(), suv = Vector()
            for i in stride(from: start, to: start + n * 16, by: 16) {
                var x = u.data.vector(at: i)
                let w = v.data.vector(at: i)
                if gate != nil { x = x.masked(by: gateScale * w + gateShift) }
                su += x
                suv += x * w
            }
            for lane in 0..<16 {
                acc[channel0 + lane] += Double(su[lane])
                acc[second + channel0 + lane] += Double(suv[lane])
            }
        } else {
            let start = row * n
            let channel = row % u.channels
            let gateScale = gate?.scale[channel] ?? 0, gateShift = gate?.shift[channel] ?? 0
            var su = Vector(), suv = Vector()
            var i = start
            while i + 16 <= start + n {
                var x = u.data.vector(at: i)
                let w = v.data.vector(at: i)
                if gate != nil { x = x.masked(by: Vector(repeating: gateScale) * w + gateShift) }
                su += x
                suv += x * w
                i += 16
            }
            var tailU: Float = 0, tailUV: Float = 0
            while i < start + n {
                let x = gate == nil || gateScale * v.data[i] + gateShift > 0 ? u.data[i] : 0
                tailU += x
                tailUV += x * v.data[i]
                i += 1
            }
            acc[channel] += Double(su.sum() + tailU)
            acc[second + channel] += Double(suv.sum() + tailUV)
        }
    }

    private static func applyAffine(row: Int, _ u: Tensor, _ gate: ReLUGate?, _ v: Tensor?,
                                    _ a: [Float], _ b: [Float], _ s: [Float], _ relu: Bool, _ out: Tensor,
                                    _ pooled: SpatialPooling.Writer?) {
        let n = u.spatial
        if u.layout == .blocked {
            let start = row * n * 16
            let channel0 = (row % u.channelBlocks) * 16
            let scale = Vector(a[channel0..<(channel0 + 16)])
            let shift = Vector(s[channel0..<(channel0 + 16)])
            let vScale = v == nil ? Vector() : Vector(b[channel0..<(channel0 + 16)])
            let (gateScale, gateShift) = gate.map { gateVectors($0, channel0: channel0) } ?? (Vector(), Vector())
            var pool = SpatialPooling.Accumulator(locatingMaxima: pooled?.locatesMaxima ?? false)
            for p in 0..<n {
                let i = start + p * 16
                var x = u.data.vector(at: i)
                var y: Vector
                if let v {
                    let w = v.data.vector(at: i)
                    if gate != nil { x = x.masked(by: gateScale * w + gateShift) }
                    y = scale * x + shift
                    y += vScale * w
                } else {
                    y = scale * x + shift
                }
                if relu { y = y.relu() }
                out.data.setVector(y, at: i)
                if pooled != nil { pool.add(y, pixel: p) }
            }
            pooled?.store(pool.row(pixels: n), row: row)
        } else {
            let start = row * n
            let channel = row % u.channels
            let scale = a[channel], shift = s[channel], vScale = v == nil ? 0 : b[channel]
            let gateScale = gate?.scale[channel] ?? 0, gateShift = gate?.shift[channel] ?? 0
            for i in start..<(start + n) {
                var x = u.data[i]
                if let v, gate != nil, gateScale * v.data[i] + gateShift <= 0 { x = 0 }
                var y = scale * x + shift
                if let v { y += vScale * v.data[i] }
                out.data[i] = relu ? max(y, 0) : y
            }
        }
    }

    private static func paddedGate(_ gate: ReLUGate, to count: Int) -> ReLUGate {
        ReLUGate(scale: padded(gate.scale, to: count), shift: padded(gate.shift, to: count))
    }

    /// The gate's scale and shift for the 16 channels of a block.
    @inline(__always)
    private static func gateVectors(_ gate: ReLUGate, channel0: Int) -> (Vector, Vector) {
        (Vector(gate.scale[channel0..<(channel0 + 16)]), Vector(gate.shift[channel0..<(channel0 + 16)]))
    }
}
