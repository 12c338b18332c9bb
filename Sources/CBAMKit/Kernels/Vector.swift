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
    /// 0, 1, …, 15: each lane's number.
    @inline(__always) static var laneNumbers: Vector { Vector(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) }

    @inline(__always) func relu() -> Vector { replacing(with: 0, where: self .< 0) }
    /// Keeps lanes where `mask` > 0 (the ReLU derivative, read from a ReLU's output).
    @inline(__always) func masked(by mask: Vector) -> Vector { replacing(with: 0, where: mask .<= 0) }

    // Maximum and minimum over the lanes as halving trees: the standard library's
    // `max()` goes lane by lane and its `pointwiseMax` is not inlined (each was several
    // times slower in CBAM's channel pooling); `replacing` compiles to compares and
    // blends. Sums stay `sum()`, lane by lane: a different order would round differently
    // from PyTorch's channel-by-channel sums, which the fixtures compare against.
    @inline(__always) func horizontalMax() -> Float {
        let eight = lowHalf.replacing(with: highHalf, where: highHalf .> lowHalf)
        let four = eight.lowHalf.replacing(with: eight.highHalf, where: eight.highHalf .> eight.lowHalf)
        let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
        return Swift.max(two[0], two[1])
    }

    @inline(__always) func horizontalMin() -> Float {
        let eight = lowHalf.replacing(with: highHalf, where: highHalf .< lowHalf)
        let four = eight.lowHalf.replacing(with: eight.highHalf, where: eight.highHalf .< eight.lowHalf)
        let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .< four.lowHalf)
        return Swift.min(two[0], two[1])
    }
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
