/// Multi-head attention's two batched products for one batch shape, read and
/// written through the head views of a packed qkv tensor (`HeadViews`):
///
///     S = Q·Kᵀ  [N, H, queries, T],   O = P·V  merged as [N, queries, d]
///
/// and their gradients, written into the matching parts of ∂qkv.
final class AttentionProducts {
    let views: HeadViews
    private let scoreProduct, valueProduct: BatchedMatrixProduct

    init(_ views: HeadViews) {
        self.views = views
        scoreProduct = views.scoreProduct()
        valueProduct = views.valueProduct()
    }

    /// S = Q·Kᵀ per image and head.
    func scores(_ qkv: Tensor) -> Tensor {
        let scores = Tensor(shape: [views.images, views.heads, views.queries, views.tokens])
        scoreProduct.forward(qkv.data + views.offset(of: .query), qkv.data + views.offset(of: .key), into: scores.data)
        return scores
    }

    /// O = P·V per image and head, the heads merged.
    func merged(_ p: Tensor, _ qkv: Tensor) -> Tensor {
        let merged = Tensor(shape: [views.images, views.queries, views.dimension])
        valueProduct.forward(p.data, qkv.data + views.offset(of: .value), into: merged.data)
        return merged
    }

    /// A tensor for ∂qkv, whose parts the two backward passes fill; the query part of
    /// tokens that did not query gets zeros here (no product writes it).
    func emptyGradient(like qkv: Tensor) -> Tensor {
        let dQKV = Tensor(shape: qkv.shape)
        if views.queries < views.tokens {
            let (t, d) = (views.tokens, views.dimension)
            for row in 0..<(views.images * t) where row % t >= views.queries { (dQKV.data + row * 3 * d).update(repeating: 0, count: d) }
        }
        return dQKV
    }

    /// ∂P = ∂O·Vᵀ, returned, and ∂V = Pᵀ·∂O, written into ∂qkv.
    func valueBackward(_ dMerged: Tensor, _ p: Tensor, _ qkv: Tensor, into dQKV: Tensor) -> Tensor {
        let dP = Tensor(shape: p.shape)
        let value = views.offset(of: .value)
        valueProduct.backward(dMerged.data, p.data, qkv.data + value, aGradient: dP.data, bGradient: dQKV.data + value)
        return dP
    }

    /// ∂Q = ∂S·K and ∂K = ∂Sᵀ·Q, written into ∂qkv.
    func scoreBackward(_ dScores: Tensor, _ qkv: Tensor, into dQKV: Tensor) {
        let (query, key) = (views.offset(of: .query), views.offset(of: .key))
        scoreProduct.backward(dScores.data, qkv.data + query, qkv.data + key, aGradient: dQKV.data + query, bGradient: dQKV.data + key)
    }
}
