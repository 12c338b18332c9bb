import Foundation

/// e^x and erf(x) on 16 lanes at once. The scalar libm calls cost ~5–10 ns each,
/// and a ViT training step takes about ten million of them (softmax, GELU), so
/// these run as polynomials in registers instead, accurate to a few ulp.
extension Vector {
    /// e^x (Cephes' expf): x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-6
    /// polynomial, 2^n by building the exponent bits. Inputs below −87.3 give 0.
    @_transparent
    func exp() -> Vector {
        let x = clamping(-87.33654, 88.37626)
        // Adding 1.5·2²³ rounds to an integer and leaves it in the low mantissa bits.
        let shifter = Vector(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + shifter
        let n = shifted - shifter
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 0.166_666_65
        p = p * r + 0.500_000_01
        let er = p * (r * r) + r + 1
        // 2^n: n + 127 in the exponent field (n ≥ −126 here, so never denormal).
        let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127
        let scale = unsafeBitCast(bits &<< 23, to: Vector.self)
        let result = er * scale
        return result.replacing(with: 0, where: self .< -87.33654)
    }

    /// erf(x): Eigen's rational approximation (odd degree-13 over even degree-8
    /// polynomial) on [−4, 4], where erf is within float rounding of ±1 outside.
    @_transparent
    func erf() -> Vector {
        let x = clamping(-4, 4)
        let x2 = x * x
        var p = x2 * -2.726_142_25e-10 + 2.770_681_42e-08
        p = p * x2 - 2.101_024_02e-06
        p = p * x2 - 5.692_506_39e-05
        p = p * x2 - 7.349_906_30e-04
        p = p * x2 - 2.954_599_80e-03
        p = p * x2 - 1.609_603_33e-02
        p = p * x
        var q = x2 * -1.456_607_18e-05 - 2.133_740_55e-04
        q = q * x2 - 1.682_826_97e-03
        q = q * x2 - 7.373_329_16e-03
        q = q * x2 - 1.426_473_90e-02
        return p / q
    }

    /// 1 / (1 + e^−x), with libm's e^x lane by lane: the gates' sigmoids are few
    /// (one per channel or pixel, not per element), and libm keeps them to PyTorch's.
    @inline(__always)
    func sigmoid() -> Vector {
        var out = Vector()
        for i in 0..<16 { out[i] = 1 / (1 + Foundation.exp(-self[i])) }
        return out
    }

    /// 1 / (1 + e^−x) with `exp()`'s polynomial: within a few ulp of `sigmoid()`, for
    /// passes with a sigmoid per pixel (inference's spatial gate), where libm's would show.
    @_transparent
    func fastSigmoid() -> Vector { 1 / (1 + (-self).exp()) }

    /// Lanes limited to [low, high]. (The standard library's `clamped` is generic and
    /// not inlined here: a call per vector. Neither was this, written with
    /// `replacing(with: Scalar, where:)`, in the larger passes; a call passes the
    /// sixteen lanes in four SSE registers and works on them four at a time.)
    @_transparent
    func clamping(_ low: Float, _ high: Float) -> Vector {
        larger(Vector(repeating: low)).smaller(Vector(repeating: high))
    }

    /// Lane by lane, the larger of self and other.
    @_transparent
    func larger(_ other: Vector) -> Vector { replacing(with: other, where: other .> self) }

    /// Lane by lane, the smaller of self and other.
    @_transparent
    func smaller(_ other: Vector) -> Vector { replacing(with: other, where: other .< self) }

    /// 1 in the first `count` lanes, 0 above: multiplying by it zeroes the lanes past a row's end.
    static func ones(firstLanes count: Int) -> Vector {
        var v = Vector(repeating: 1)
        for lane in Swift.min(Swift.max(count, 0), 16)..<16 { v[lane] = 0 }
        return v
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Writes the low `count` ≤ 16 lanes.
    @inline(__always) func setVector(_ value: Vector, at index: Int, count: Int) {
        if count >= 16 { return setVector(value, at: index) }
        for lane in 0..<count { self[index + lane] = value[lane] }
    }
}

/// A row of `length` floats as runs of ≤ 16: whole vectors, then the tail.
/// `forEach` calls body(start, count, keep), where `keep` is 1 in the run's lanes
/// and 0 above, so that body can read a whole vector at `start` (it may pass the
/// row's end; `BufferPool` gives every buffer one vector of slack for this) and
/// zero the lanes past the row with a multiplication: lane loops and mask blends
/// cost more than the rest of a short row. Made once per pass, not per row.
struct VectorRuns {
    let length, whole: Int
    let tailKeep: Vector

    init(_ length: Int) {
        self.length = length
        whole = length - length % 16
        tailKeep = Vector.ones(firstLanes: length - whole)
    }

    /// One call site for `body`: with two (the whole vectors, then the tail) the optimiser
    /// kept larger bodies (a softmax's, with its e^x) out of line, called once per vector.
    @inline(__always)
    func forEach(_ body: (_ start: Int, _ count: Int, _ keep: Vector) -> Void) {
        var j = 0
        while j < length {
            let isWhole = j < whole
            body(j, isWhole ? 16 : length - whole, isWhole ? Vector(repeating: 1) : tailKeep)
            j += 16
        }
    }
}
