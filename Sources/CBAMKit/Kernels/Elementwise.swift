import OneDNN

/// Elementwise maps over whole tensors (any layout: they touch padding lanes too,
/// and every map here sends 0 to 0 where it matters, or works on plain tensors).
enum Elementwise {
    /// out[i] = f(a[i], b[i]) over the storage of same-shaped tensors, vectorised.
    static func map(_ a: Tensor, _ b: Tensor? = nil, _ f: (Vector, Vector) -> Vector) -> Tensor {
        let out = Tensor(shape: a.shape, layout: a.layout)
        let n = a.storageCount
        let chunks = (n + 4095) / 4096
        Parallel.forEachChunk(chunks, minimumPerThread: 4) { range, _ in
            let start = range.lowerBound * 4096, end = min(range.upperBound * 4096, n)
            var i = start
            while i + 16 <= end {
                let bv = b.map { $0.data.vector(at: i) } ?? Vector()
                out.data.setVector(f(a.data.vector(at: i), bv), at: i)
                i += 16
            }
            while i < end {  // tail: run the same map on a vector holding one element
                var av = Vector(), bv = Vector()
                av[0] = a.data[i]
                if let b { bv[0] = b.data[i] }
                out.data[i] = f(av, bv)[0]
                i += 1
            }
        }
        return out
    }

    static func relu(_ x: Tensor) -> Tensor { map(x) { v, _ in v.relu() } }
    /// dy where the ReLU's output y was positive.
    static func reluBackward(_ dy: Tensor, output y: Tensor) -> Tensor { map(dy, y) { g, y in g.masked(by: y) } }

    static func sigmoid(_ x: Tensor) -> Tensor { map(x) { v, _ in v.sigmoid() } }
    /// dy · s · (1 − s), from the sigmoid's output s.
    static func sigmoidBackward(_ dy: Tensor, output s: Tensor) -> Tensor { map(dy, s) { g, s in g * s * (1 - s) } }

    static func add(_ a: Tensor, _ b: Tensor) -> Tensor { map(a, b) { $0 + $1 } }
    static func multiply(_ a: Tensor, _ b: Tensor) -> Tensor { map(a, b) { $0 * $1 } }
    static func scale(_ a: Tensor, by s: Float) -> Tensor { map(a) { v, _ in v * s } }
}
