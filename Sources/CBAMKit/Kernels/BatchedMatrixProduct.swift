import OneDNN

/// C = A·B for a batch of matrices given as strided views (see `HeadViews`), on
/// oneDNN: attention's Q·Kᵀ and P·V, read straight from the qkv tensor and written
/// straight into the merged heads. Backward: ∂A = ∂C·Bᵀ and ∂B = Aᵀ·∂C, each
/// written through its operand's view (or its transpose's, so that every product
/// writes rows with unit stride, the form oneDNN's fast kernels take).
public final class BatchedMatrixProduct {
    public typealias View = MatrixMultiply.MatrixView
    public let batch: [Int]
    public let m, n, k: Int
    public let a, b, c: View

    private lazy var forwardProduct = MatrixMultiply(.init(batch: batch, m: m, n: n, k: k, a: a, b: b, c: c))
    private lazy var aGradient = BatchedMatrixProduct.gradientProduct(batch, rows: m, columns: k, inner: n,
                                                                      left: c, right: b.transposed, into: a)
    private lazy var bGradient = BatchedMatrixProduct.gradientProduct(batch, rows: k, columns: n, inner: m,
                                                                      left: a.transposed, right: c, into: b)

    /// A is m×k, B is k×n, C is m×n, for every index of `batch`.
    public init(batch: [Int], m: Int, n: Int, k: Int, a: View, b: View, c: View) {
        self.batch = batch; self.m = m; self.n = n; self.k = k
        self.a = a; self.b = b; self.c = c
    }

    /// Pointers are each view's first element.
    public func forward(_ aValues: UnsafePointer<Float>, _ bValues: UnsafePointer<Float>, into cValues: UnsafeMutablePointer<Float>) {
        Profiler.measure("attention products") { forwardProduct.run(aValues, bValues, into: cValues) }
    }

    /// Writes ∂A and ∂B through the views of A and B (overwriting what they held).
    public func backward(_ dC: UnsafePointer<Float>, _ aValues: UnsafePointer<Float>, _ bValues: UnsafePointer<Float>,
                         aGradient dA: UnsafeMutablePointer<Float>, bGradient dB: UnsafeMutablePointer<Float>) {
        Profiler.measure("attention products") {
            aGradient.run(dC, bValues, into: dA)
            bGradient.run(aValues, dC, into: dB)
        }
    }

    /// X = L·R into X's view, or, when that view's rows are not contiguous, Xᵀ = Rᵀ·Lᵀ into its transpose.
    private static func gradientProduct(_ batch: [Int], rows: Int, columns: Int, inner: Int,
                                        left: View, right: View, into x: View) -> GradientProduct {
        if x.columnStride == 1 {
            return GradientProduct(MatrixMultiply(.init(batch: batch, m: rows, n: columns, k: inner, a: left, b: right, c: x)), swapped: false)
        }
        return GradientProduct(MatrixMultiply(.init(batch: batch, m: columns, n: rows, k: inner,
                                                    a: right.transposed, b: left.transposed, c: x.transposed)), swapped: true)
    }

    /// A product whose operands may be swapped (the transposed form above).
    private struct GradientProduct {
        let product: MatrixMultiply
        let swapped: Bool
        init(_ product: MatrixMultiply, swapped: Bool) { self.product = product; self.swapped = swapped }

        func run(_ left: UnsafePointer<Float>, _ right: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>) {
            swapped ? product.run(right, left, into: x) : product.run(left, right, into: x)
        }
    }
}
