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

extension Vector {
    /// Lane i: the sum of the lanes of `vectors[i]`, for 16 vectors at once (which it
    /// overwrites). One horizontal sum per vector takes fifteen dependent scalar
    /// additions; together they take fifteen vector ones (`transposedReduction`). In
    /// another order than `sum()`'s, so results may differ from it by rounding.
    @inline(__always) static func laneSums(of vectors: UnsafeMutablePointer<Vector>) -> Vector {
        transposedReduction(vectors) { $0 + $1 }
    }

    /// Lane i: the maximum of the lanes of `vectors[i]`, for 16 vectors at once (which
    /// it overwrites).
    @inline(__always) static func laneMaxima(of vectors: UnsafeMutablePointer<Vector>) -> Vector {
        transposedReduction(vectors) { $0.larger($1) }
    }

    /// Reduces each of 16 vectors to one lane by `combine`, all together, in place:
    /// each level halves the lanes that every input still spans and packs two vectors'
    /// halves into one (16 vectors × 16 lanes, then 8 × 2 × 8, 4 × 4 × 4, 2 × 8 × 2,
    /// 1 × 16 × 1), so that every `combine` works on full vectors. The halves are
    /// whole registers or single shuffles.
    @inline(__always) private static func transposedReduction(_ v: UnsafeMutablePointer<Vector>,
                                                              _ combine: (Vector, Vector) -> Vector) -> Vector {
        // v[i] ← 8 partial results of input 2i in lanes 0–7, of input 2i + 1 in 8–15.
        for i in 0..<8 {
            let (a, b) = (v[2 * i], v[2 * i + 1])
            v[i] = combine(Vector(lowHalf: a.lowHalf, highHalf: b.lowHalf), Vector(lowHalf: a.highHalf, highHalf: b.highHalf))
        }
        // v[i] ← 4 partial results of each of inputs 4i … 4i + 3.
        for i in 0..<4 {
            let (a, b) = (v[2 * i], v[2 * i + 1])
            let low = Vector(lowHalf: SIMD8(lowHalf: a.lowHalf.lowHalf, highHalf: a.highHalf.lowHalf),
                             highHalf: SIMD8(lowHalf: b.lowHalf.lowHalf, highHalf: b.highHalf.lowHalf))
            let high = Vector(lowHalf: SIMD8(lowHalf: a.lowHalf.highHalf, highHalf: a.highHalf.highHalf),
                              highHalf: SIMD8(lowHalf: b.lowHalf.highHalf, highHalf: b.highHalf.highHalf))
            v[i] = combine(low, high)
        }
        // v[i] ← 2 partial results of each of inputs 8i … 8i + 7; then 1 of each input.
        for i in 0..<2 {
            let (a, b) = (v[2 * i], v[2 * i + 1])
            v[i] = combine(Vector(lowHalf: a.evenHalf, highHalf: b.evenHalf), Vector(lowHalf: a.oddHalf, highHalf: b.oddHalf))
        }
        return combine(Vector(lowHalf: v[0].evenHalf, highHalf: v[1].evenHalf), Vector(lowHalf: v[0].oddHalf, highHalf: v[1].oddHalf))
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
