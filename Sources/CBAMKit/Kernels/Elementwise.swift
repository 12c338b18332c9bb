import OneDNN

/// Elementwise maps over whole tensors (any layout: they touch padding lanes too,
/// and every map here sends 0 to 0 where it matters, or works on plain tensors).
enum Elementwise {
    /// out[i] = f(a[i], b[i], c[i]) over the storage of same-shaped tensors (an absent
    /// one reads as zeros), vectorised. The
    /// tail reads a whole vector (into `BufferPool`'s slack) and writes only its own lanes.
    /// The optimiser shares one chunk body among all the maps and calls `f` from it once
    /// per vector; these maps are memory-bound, where that call costs little (GELU's
    /// compute-bound passes have loops of their own for this reason).
    static func map(_ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil, _ f: (Vector, Vector, Vector) -> Vector) -> Tensor {
        let out = Tensor(shape: a.shape, layout: a.layout)
        let n = a.storageCount
        let chunks = (n + 4095) / 4096
        Parallel.forEachChunk(chunks, minimumPerThread: 4) { range, _ in
            let end = min(range.upperBound * 4096, n)
            for i in stride(from: range.lowerBound * 4096, to: end, by: 16) {
                let bv = b.map { $0.data.vector(at: i) } ?? Vector(), cv = c.map { $0.data.vector(at: i) } ?? Vector()
                out.data.setVector(f(a.data.vector(at: i), bv, cv), at: i, count: end - i)
            }
        }
        return out
    }

    static func relu(_ x: Tensor) -> Tensor { map(x) { v, _, _ in v.relu() } }
    /// dy (+ `plus`, added in the same pass) where the ReLU's output y was positive.
    static func reluBackward(_ dy: Tensor, plus: Tensor? = nil, output y: Tensor) -> Tensor {
        guard let plus else { return map(dy, y) { g, y, _ in g.masked(by: y) } }
        return map(dy, y, plus) { g, y, h in (g + h).masked(by: y) }
    }

    static func sigmoid(_ x: Tensor) -> Tensor { map(x) { v, _, _ in v.sigmoid() } }
    /// dy · s · (1 − s), from the sigmoid's output s.
    static func sigmoidBackward(_ dy: Tensor, output s: Tensor) -> Tensor { map(dy, s) { g, s, _ in g * s * (1 - s) } }

    static func add(_ a: Tensor, _ b: Tensor) -> Tensor { map(a, b) { a, b, _ in a + b } }
    static func multiply(_ a: Tensor, _ b: Tensor) -> Tensor { map(a, b) { a, b, _ in a * b } }
    static func scale(_ a: Tensor, by s: Float) -> Tensor { map(a) { v, _, _ in v * s } }
}
