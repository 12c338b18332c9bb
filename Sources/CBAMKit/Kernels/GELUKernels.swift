import OneDNN

/// GELU's passes over a plain tensor (see `GELU`), vectorised with the polynomial erf.
/// Each pass writes its loop inside its own parallel closure: passed in as a closure
/// of a shared map, the body (with its erf) stayed out of line, a call per vector.
enum GELUKernels {
    /// y = x·Φ(x).
    static func forward(_ x: Tensor) -> Tensor {
        let y = Tensor(shape: x.shape)
        let (input, output, count) = (x.data, y.data, x.count)
        Parallel.forEachChunk(chunks(count), minimumPerThread: 4) { range, _ in
            for i in vectors(of: range, count) {
                let v = input.vector(at: i)
                output.setVector(v * cumulative(v), at: i, count: count - i)
            }
        }
        return y
    }

    /// ∂x = dy·(Φ(x) + x·φ(x)).
    static func backward(_ dy: Tensor, input x: Tensor) -> Tensor {
        let dx = Tensor(shape: x.shape)
        let (input, gradient, output, count) = (x.data, dy.data, dx.data, x.count)
        Parallel.forEachChunk(chunks(count), minimumPerThread: 4) { range, _ in
            for i in vectors(of: range, count) {
                let v = input.vector(at: i)
                let density = (v * v * -0.5).exp() * 0.398_942_28  // 1/√(2π)
                output.setVector(gradient.vector(at: i) * (cumulative(v) + v * density), at: i, count: count - i)
            }
        }
        return dx
    }

    /// Φ(x) = ½(1 + erf(x/√2)).
    @_transparent
    static func cumulative(_ v: Vector) -> Vector { ((v * 0.707_106_78).erf() + 1) * 0.5 }

    /// The passes split `count` floats into chunks of 4 096 across the thread team.
    private static func chunks(_ count: Int) -> Int { (count + 4095) / 4096 }

    /// The first float of each vector of chunks `range`; the last may pass `count` (it reads
    /// into the slack and writes only the floats before `count`).
    @inline(__always)
    private static func vectors(of range: Range<Int>, _ count: Int) -> StrideTo<Int> {
        stride(from: range.lowerBound * 4096, to: min(range.upperBound * 4096, count), by: 16)
    }
}
