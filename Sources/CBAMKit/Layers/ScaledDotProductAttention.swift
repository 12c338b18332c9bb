/// Multi-head scaled dot-product attention (Vaswani et al., 2017) on a packed qkv
/// tensor, the part of timm's `Attention` between its two Linears:
///
///     Oₕ = softmax(Qₕ·Kₕᵀ / √dₕ)·Vₕ  for every head h,  merged as [N, queries, H·dₕ]
///
/// qkv is [N, T, 3d], read as PyTorch's `reshape(N, T, 3, H, dₕ)`. The heads are
/// strided views into it (`HeadViews`): nothing is split or merged by copying.
/// With `classTokenOnly` only the first token queries (keys and values still span
/// every token), so the scores, the softmax and P·V shrink by a factor T.
///
/// Backward, per head, with S = Q·Kᵀ (`RowSoftmax` applies 1/√dₕ inside, both ways):
///
///     ∂V = Pᵀ·∂O,  ∂P = ∂O·Vᵀ,  ∂S = softmax-backward(∂P),  ∂Q = ∂S·K,  ∂K = ∂Sᵀ·Q
public final class ScaledDotProductAttention: Layer {
    public let heads: Int
    public let softmax: RowSoftmax

    private var products: AttentionProducts?
    private var projections: Tensor?

    public init(heads: Int, headDimension: Int) {
        self.heads = heads
        softmax = RowSoftmax(scale: 1 / Float(headDimension).squareRoot())
    }

    /// The last forward's attention probabilities [N, H, queries, T] (kept when the mode
    /// keeps activations); queries = T, or 1 for the class token alone.
    public var probabilities: Tensor? { softmax.probabilities }

    /// [N, T, 3d] → [N, T, d].
    public func forward(_ qkv: Tensor, _ mode: Mode) -> Tensor { forward(qkv, mode, classTokenOnly: false) }

    /// [N, T, 3d] → [N, T, d], or [N, 1, d] with `classTokenOnly`.
    public func forward(_ qkv: Tensor, _ mode: Mode, classTokenOnly: Bool) -> Tensor {
        let (n, t, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let products = prepare(images: n, tokens: t, queries: classTokenOnly ? 1 : t, dimension: d)
        let merged = products.merged(softmax.forward(products.scores(qkv), mode), qkv)
        projections = mode.keepsActivations ? qkv : nil
        return merged
    }

    /// ∂qkv [N, T, 3d] from ∂merged.
    public func backward(_ dMerged: Tensor) -> Tensor {
        guard let products, let qkv = projections, let p = softmax.probabilities else {
            preconditionFailure("ScaledDotProductAttention.backward without a forward that keeps activations")
        }
        let dQKV = products.emptyGradient(like: qkv)
        let dP = products.valueBackward(dMerged, p, qkv, into: dQKV)
        products.scoreBackward(softmax.backward(dP), qkv, into: dQKV)
        return dQKV
    }

    /// The products for this batch shape (made again only when it changes).
    private func prepare(images: Int, tokens: Int, queries: Int, dimension: Int) -> AttentionProducts {
        precondition(dimension % heads == 0, "dimension \(dimension) is not a multiple of \(heads) heads")
        let wanted = HeadViews(images: images, tokens: tokens, queries: queries, heads: heads, headDimension: dimension / heads)
        if let products, products.views == wanted { return products }
        let made = AttentionProducts(wanted)
        products = made
        return made
    }
}
