import CDNNL

/// C = A·B (+ bias), batched, on oneDNN's matmul primitive.
///
/// Operands are row-major by default; `transposeA`/`transposeB` read A or B as
/// their transpose without copying (through strides), which covers a Linear
/// layer's forward (x·Wᵀ) and both of its gradients. For attention, every
/// operand can instead be a strided view (`MatrixView`) with several batch
/// dimensions, so per-head slices of a [N, T, 3, H, dₕ] tensor are multiplied
/// in place, with no split or merge copies.
public final class MatrixMultiply {
    /// Where the matrices of one operand sit: element strides between batch
    /// entries (one per batch dimension), between rows and between columns.
    public struct MatrixView: Hashable, Sendable {
        public var batchStrides: [Int]
        public var rowStride, columnStride: Int

        public init(batchStrides: [Int], rowStride: Int, columnStride: Int = 1) {
            self.batchStrides = batchStrides; self.rowStride = rowStride; self.columnStride = columnStride
        }

        /// Dense row-major rows×columns matrices, one after another (or read as the
        /// transpose of dense columns×rows matrices).
        public static func dense(batch: [Int], rows: Int, columns: Int, transposed: Bool = false) -> MatrixView {
            var strides: [Int] = []
            var size = rows * columns
            for extent in batch.reversed() { strides.insert(size, at: 0); size *= extent }
            return transposed ? MatrixView(batchStrides: strides, rowStride: 1, columnStride: rows)
                              : MatrixView(batchStrides: strides, rowStride: columns, columnStride: 1)
        }

        /// The same memory read as the transpose.
        public var transposed: MatrixView { MatrixView(batchStrides: batchStrides, rowStride: columnStride, columnStride: rowStride) }
    }

    /// Work fused into the primitive after the product.
    public enum Epilogue: Hashable, Sendable {
        case none
        /// C += A·B (+ bias): adds into what C holds (a residual connection).
        case accumulate
        /// C = GELU(A·B + bias), exact (erf) form: inference of a transformer MLP.
        case geluErf

        var postOps: [PostOp] {
            switch self {
            case .none: return []
            case .accumulate: return [.accumulate]
            case .geluErf: return [.geluErf]
            }
        }
    }

    public struct Geometry: Hashable, Sendable {
        public var batch: [Int]
        public var m, n, k: Int
        public var a, b, c: MatrixView
        public var hasBias: Bool
        public var epilogue: Epilogue
        /// The arithmetic: float32, or bf16 copies of A and B with a float32 C.
        public var precision = Precision.fp32

        /// Dense operands: A is m×k (stored k×m when transposed), B is k×n (stored n×k when transposed).
        public init(batch: Int = 1, m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                    hasBias: Bool = false, epilogue: Epilogue = .none) {
            let dims = [batch]
            self.init(batch: dims, m: m, n: n, k: k,
                      a: transposeA ? .dense(batch: dims, rows: m, columns: k, transposed: true) : .dense(batch: dims, rows: m, columns: k),
                      b: transposeB ? .dense(batch: dims, rows: k, columns: n, transposed: true) : .dense(batch: dims, rows: k, columns: n),
                      c: .dense(batch: dims, rows: m, columns: n), hasBias: hasBias, epilogue: epilogue)
        }

        /// Any views: `batch` lists the batch dimensions, which every view strides over.
        public init(batch: [Int], m: Int, n: Int, k: Int, a: MatrixView, b: MatrixView, c: MatrixView,
                    hasBias: Bool = false, epilogue: Epilogue = .none) {
            precondition([a, b, c].allSatisfy { $0.batchStrides.count == batch.count }, "one batch stride per batch dimension")
            self.batch = batch; self.m = m; self.n = n; self.k = k
            self.a = a; self.b = b; self.c = c; self.hasBias = hasBias; self.epilogue = epilogue
        }
    }

    public let geometry: Geometry
    private let primitive: Primitive
    private let aOperand, bOperand: Operand
    private let cMemory, biasMemory: MemoryHandle

    public init(_ g: Geometry) {
        geometry = g
        func describe(_ view: MatrixView, rows: Int, columns: Int) -> dnnl_memory_desc_t {
            memoryDescriptor(g.batch + [rows, columns], strides: view.batchStrides + [view.rowStride, view.columnStride])
        }
        let aMD = describe(g.a, rows: g.m, columns: g.k)
        let bMD = describe(g.b, rows: g.k, columns: g.n)
        var cMD = describe(g.c, rows: g.m, columns: g.n)
        var aCompute = aMD, bCompute = bMD
        aCompute.data_type = g.precision.dataType
        bCompute.data_type = g.precision.dataType
        let ones = [Int](repeating: 1, count: g.batch.count)
        let biasMD = memoryDescriptor(ones + [1, g.n], strides: ones.map { _ in g.n } + [g.n, 1])
        var desc = dnnl_matmul_desc_t()
        withOptionalPointer(to: g.hasBias ? biasMD : nil) { biasPointer in
            check(dnnl_matmul_desc_init(&desc, &aCompute, &bCompute, biasPointer, &cMD), "describing matmul \(g)")
        }
        primitive = Primitive(describing: desc, postOps: g.epilogue.postOps, "matmul \(g)")
        aOperand = Operand(aMD, g.precision, slot: .first); bOperand = Operand(bMD, g.precision, slot: .second); cMemory = MemoryHandle(cMD); biasMemory = MemoryHandle(biasMD)
    }

    /// The oneDNN implementation chosen ("brg:avx512_core", "gemm:jit", "ref:any", …).
    public var implementation: String {
        var name: UnsafePointer<CChar>?
        withUnsafeMutablePointer(to: &name) { pointer in
            _ = dnnl_primitive_desc_query(primitive.descriptor, dnnl_query_impl_info_str, 0, pointer)
        }
        return name.map { String(cString: $0) } ?? "?"
    }

    /// Pointers are to each operand's first element; views stride from there.
    public func run(_ aValues: UnsafePointer<Float>, _ bValues: UnsafePointer<Float>, bias biasValues: UnsafePointer<Float>? = nil,
                    into cValues: UnsafeMutablePointer<Float>) {
        var args = [(Argument.src, aOperand.bind(aValues)), (Argument.weights, bOperand.bind(bValues)), (Argument.dst, cMemory.bind(cValues))]
        if geometry.hasBias, let biasValues { args.append((Argument.bias, biasMemory.bind(biasValues))) }
        primitive.execute(args)
    }
}
