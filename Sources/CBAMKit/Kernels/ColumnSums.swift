import OneDNN

/// Sums over the rows of a row-major [rows, columns] matrix: the bias gradients of
/// Linear layers and per-feature parameters (Σ over tokens and images).
enum ColumnSums {
    /// out[j] = Σᵢ matrix[i, j], overwriting `out`. Each thread sums a share of the
    /// rows into its own vector partials; the partials are added at the end.
    static func sum(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
        let partials = PerThreadSums(count: columns)
        Parallel.forEachChunk(rows, minimumPerThread: max(1, 4096 / max(columns, 1))) { range, thread in
            let acc = partials.buffer(thread)
            for row in range { VectorRow.add(UnsafeMutablePointer(mutating: matrix) + row * columns, into: acc, count: columns) }
        }
        partials.total(into: out)
    }
}

/// One zeroed accumulator of `count` floats per thread, and their sum.
final class PerThreadSums {
    let count: Int
    private let storage: Tensor

    init(count: Int) {
        self.count = count
        storage = Tensor.zeros([Parallel.threadCount, count])
    }

    func buffer(_ thread: Int) -> UnsafeMutablePointer<Float> { storage.data + thread * count }

    /// out = Σ over threads (overwriting out).
    func total(into out: UnsafeMutablePointer<Float>) {
        out.update(from: storage.data, count: count)
        for thread in 1..<max(Parallel.threadCount, 1) { VectorRow.add(buffer(thread), into: out, count: count) }
    }
}

/// Vectorised loops over one contiguous row of floats.
enum VectorRow {
    /// acc[j] += row[j].
    @inline(__always)
    static func add(_ row: UnsafeMutablePointer<Float>, into acc: UnsafeMutablePointer<Float>, count: Int) {
        var j = 0
        while j + 16 <= count {
            acc.setVector(acc.vector(at: j) + row.vector(at: j), at: j)
            j += 16
        }
        while j < count { acc[j] += row[j]; j += 1 }
    }
}
