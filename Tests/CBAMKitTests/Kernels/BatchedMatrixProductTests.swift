import XCTest
import CBAMKit

/// `BatchedMatrixProduct` through strided head views against finite differences.
final class BatchedMatrixProductTests: XCTestCase {
    var check = GradientCheck()

    /// Q·Kᵀ and P·V through the head views of a qkv tensor, as the attention uses them.
    func testBatchedProductsThroughHeadViews() {
        let (n, t, h, dh) = (2, 5, 3, 4)
        let d = h * dh
        typealias View = BatchedMatrixProduct.View
        let projection = View(batchStrides: [t * 3 * d, dh], rowStride: 3 * d)
        let scores = View.dense(batch: [n, h], rows: t, columns: t)
        let merged = View(batchStrides: [t * d, dh], rowStride: d)
        let qkv = check.random([n, t, 3 * d]), p = check.random([n, h, t, t])
        let scoreProduct = BatchedMatrixProduct(batch: [n, h], m: t, n: t, k: dh, a: projection, b: projection.transposed, c: scores)
        check.check("Q·Kᵀ", tensors: [("qkv", qkv)],
                    forward: {
                        let s = Tensor(shape: [n, h, t, t])
                        scoreProduct.forward(qkv.data, qkv.data + d, into: s.data)
                        return s
                    },
                    backward: { dS in
                        let dQKV = Tensor.zeros([n, t, 3 * d])
                        scoreProduct.backward(dS.data, qkv.data, qkv.data + d, aGradient: dQKV.data, bGradient: dQKV.data + d)
                        return [dQKV]
                    })
        let valueProduct = BatchedMatrixProduct(batch: [n, h], m: t, n: dh, k: t, a: scores, b: projection, c: merged)
        check.check("P·V", tensors: [("p", p), ("qkv", qkv)],
                    forward: {
                        let o = Tensor(shape: [n, t, d])
                        valueProduct.forward(p.data, qkv.data + 2 * d, into: o.data)
                        return o
                    },
                    backward: { dO in
                        let dP = Tensor(shape: p.shape), dQKV = Tensor.zeros([n, t, 3 * d])
                        valueProduct.backward(dO.data, p.data, qkv.data + 2 * d, aGradient: dP.data, bGradient: dQKV.data + 2 * d)
                        return [dP, dQKV]
                    })
    }
}
