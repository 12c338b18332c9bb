import CDNNL

/// C = A·B (+ bias), batched, on oneDNN's matmul primitive.
///
/// Operands are row-major; `transposeA`/`transposeB` read A or B as their
/// transpose without copying (through strides), which covers a Linear layer's
/// forward (x·Wᵀ) and both of its gradients.
public final class MatrixMultiply {
    public struct Geometry: Hashable, Sendable {
        public var batch, m, n, k: Int
        public var transposeA, transposeB, hasBias: Bool

        public init(batch: Int = 1, m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, hasBias: Bool = false) {
            self.batch = batch; self.m = m; self.n = n; self.k = k
            self.transposeA = transposeA; self.transposeB = transposeB; self.hasBias = hasBias
        }
    }

    public let geometry: Geometry
    private let primitive: Primitive
    private let a, b, c, bias: MemoryHandle

    public init(_ g: Geometry) {
        geometry = g
        // A is m×k; stored k×m when transposed. B is k×n; stored n×k when transposed.
        let aStrides = g.transposeA ? [g.m * g.k, 1, g.m] : [g.m * g.k, g.k, 1]
        let bStrides = g.transposeB ? [g.k * g.n, 1, g.k] : [g.k * g.n, g.n, 1]
        var aMD = memoryDescriptor([g.batch, g.m, g.k], strides: aStrides)
        var bMD = memoryDescriptor([g.batch, g.k, g.n], strides: bStrides)
        var cMD = memoryDescriptor([g.batch, g.m, g.n], strides: [g.m * g.n, g.n, 1])
        let biasMD = memoryDescriptor([1, 1, g.n], strides: [g.n, g.n, 1])
        var desc = dnnl_matmul_desc_t()
        withOptionalPointer(to: g.hasBias ? biasMD : nil) { biasPointer in
            check(dnnl_matmul_desc_init(&desc, &aMD, &bMD, biasPointer, &cMD), "describing matmul \(g)")
        }
        var pd: dnnl_primitive_desc_t?
        check(dnnl_primitive_desc_create(&pd, &desc, nil, Engine.shared.engine, nil), "creating matmul \(g)")
        primitive = Primitive(descriptor: pd!)
        a = MemoryHandle(aMD); b = MemoryHandle(bMD); c = MemoryHandle(cMD); bias = MemoryHandle(biasMD)
    }

    public func run(_ aValues: UnsafePointer<Float>, _ bValues: UnsafePointer<Float>, bias biasValues: UnsafePointer<Float>? = nil,
                    into cValues: UnsafeMutablePointer<Float>) {
        var args = [(Argument.src, a.bind(aValues)), (Argument.weights, b.bind(bValues)), (Argument.dst, c.bind(cValues))]
        if geometry.hasBias, let biasValues { args.append((Argument.bias, bias.bind(biasValues))) }
        primitive.execute(args)
    }
}
