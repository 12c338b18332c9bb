import OneDNN

/// GELU's passes over a plain tensor (see `GELU`), vectorised with the polynomial erf.
enum GELUKernels {
    /// y = x·Φ(x).
    static func forward(_ x: Tensor) -> Tensor {
        let y = Tensor(shape: x.shape)
        map(x.data, into: y.data, count: x.count) { v, _, _ in v * cumulative(v) }
        return y
    }

    /// ∂x = dy·(Φ(x) + x·φ(x)).
    static func backward(_ dy: Tensor, input x: Tensor) -> Tensor {
        let dx = Tensor(shape: x.shape)
        let dyData = dy.data
        map(x.data, into: dx.data, count: x.count) { v, i, _ in
            let density = (v * v * -0.5).exp() * 0.398_942_28  // 1/√(2π)
            return dyData.vector(at: i) * (cumulative(v) + v * density)
        }
        return dx
    }

    /// Φ(x) = ½(1 + erf(x/√2)).
    @_transparent
    static func cumulative(_ v: Vector) -> Vector { ((v * 0.707_106_78).erf() + 1) * 0.5 }

    /// out[i…i+n−1] = f(x[i…i+n−1], i, n), n = 16 but at the end (which reads into the
    /// slack), across the thread team. One call site for `f`, so that it is inlined.
    @inline(__always)
    private static func map(_ x: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
                            _ f: (Vector, Int, Int) -> Vector) {
        let chunks = (count + 4095) / 4096
        Parallel.forEachChunk(chunks, minimumPerThread: 4) { range, _ in
            let end = min(range.upperBound * 4096, count)
            for i in stride(from: range.lowerBound * 4096, to: end, by: 16) {
                let n = min(16, end - i)
                out.setVector(f(x.vector(at: i), i, n), at: i, count: n)
            }
        }
    }
}
