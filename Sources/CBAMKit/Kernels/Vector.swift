/// One block of 16 channels (nChw16c) or 16 consecutive floats: one AVX-512 register.
typealias Vector = SIMD16<Float>

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always) func vector(at index: Int) -> Vector {
        UnsafeRawPointer(self + index).loadUnaligned(as: Vector.self)
    }

    @inline(__always) func setVector(_ value: Vector, at index: Int) {
        UnsafeMutableRawPointer(self + index).storeBytes(of: value, as: Vector.self)
    }
}

extension Vector {
    @inline(__always) func relu() -> Vector { replacing(with: 0, where: self .< 0) }
    /// Keeps lanes where `mask` > 0 (the ReLU derivative, read from a ReLU's output).
    @inline(__always) func masked(by mask: Vector) -> Vector { replacing(with: 0, where: mask .<= 0) }
}

/// Per-channel values padded to whole blocks of 16, so that padding lanes read zeros.
func padded(_ values: [Float], to count: Int) -> [Float] {
    values + Array(repeating: 0, count: count - values.count)
}

/// Reduces per-thread partial sums into one array.
func sumPartials(_ partials: [[Double]]) -> [Double] {
    var total = partials[0]
    for p in partials.dropFirst() { for i in total.indices { total[i] += p[i] } }
    return total
}
