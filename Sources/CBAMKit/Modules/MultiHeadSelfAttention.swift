/// Multi-head scaled dot-product self-attention, as timm's `Attention`:
///
///     q, k, v = split(qkv(x)),  P = softmax(q·kᵀ/√dₕ) per head,  out = proj(merge(P·v))
///
/// Keys `qkv` (d → 3d, with bias) and `proj` (d → d). The heads are strided views
/// into the qkv output (`HeadViews`), so nothing is split or merged by copying, and
/// the projection adds its result straight into the residual stream.
///
/// When only the class token's output is wanted (the last block: the head reads
/// nothing else), only it queries: keys and values still come from every token,
/// but the scores, the softmax, P·V and the projection shrink by a factor T.
public final class MultiHeadSelfAttention: Layer {
    public let qkv: Linear
    public let proj: Linear
    public let heads: Int
    public let softmax: RowSoftmax

    private var views: HeadViews?
    private var scoreProduct, valueProduct: BatchedMatrixProduct?
    private var projections: Tensor?

    public init(dimension: Int, heads: Int, generator: inout RandomGenerator) {
        precondition(dimension % heads == 0, "dimension \(dimension) is not a multiple of \(heads) heads")
        self.heads = heads
        qkv = Linear(dimension, 3 * dimension, generator: &generator)
        proj = Linear(dimension, dimension, generator: &generator)
        softmax = RowSoftmax(scale: 1 / Float(dimension / heads).squareRoot())
    }

    public var children: [(key: String, module: Module)] { [("qkv", qkv), ("proj", proj)] }

    /// The last forward's attention probabilities [N, H, queries, T] (kept when the mode
    /// keeps activations); queries = T, or 1 for the class token alone.
    public var probabilities: Tensor? { softmax.probabilities }

    /// proj(attention(x)), [N, T, d] → [N, T, d].
    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let out = Tensor.zeros(x.shape)
        forward(x, mode, addingTo: out)
        return out
    }

    /// stream += proj(attention(x)), in place; x is [N, T, d] (the normalised stream),
    /// stream [N, T, d], or [N, 1, d] with `classTokenOnly` (the first token's output).
    public func forward(_ x: Tensor, _ mode: Mode, addingTo stream: Tensor, classTokenOnly: Bool = false) {
        let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        let q = classTokenOnly ? 1 : t
        let views = prepare(images: n, tokens: t, queries: q, dimension: d)
        let qkvValues = qkv.forward(x, mode)
        let scores = Tensor(shape: [n, heads, q, t])
        scoreProduct!.forward(qkvValues.data + views.offset(of: .query), qkvValues.data + views.offset(of: .key), into: scores.data)
        let p = softmax.forward(scores, mode)
        let merged = Tensor(shape: [n, q, d])
        valueProduct!.forward(p.data, qkvValues.data + views.offset(of: .value), into: merged.data)
        proj.forward(merged, mode, addingTo: stream)
        projections = mode.keepsActivations ? qkvValues : nil
    }

    /// ∂x from ∂stream (the stream's own gradient passes by this branch unchanged).
    public func backward(_ dStream: Tensor) -> Tensor {
        guard let views, let qkvValues = projections, let p = softmax.probabilities else {
            preconditionFailure("MultiHeadSelfAttention.backward without a forward that keeps activations")
        }
        let dMerged = proj.backward(dStream)
        let dQKV = Tensor(shape: qkvValues.shape)
        if views.queries < views.tokens {  // tokens that did not query get no query gradient
            let (t, d) = (views.tokens, views.dimension)
            for row in 0..<(views.images * t) where row % t >= views.queries { (dQKV.data + row * 3 * d).update(repeating: 0, count: d) }
        }
        let dP = Tensor(shape: p.shape)
        let (query, key, value) = (views.offset(of: .query), views.offset(of: .key), views.offset(of: .value))
        valueProduct!.backward(dMerged.data, p.data, qkvValues.data + value, aGradient: dP.data, bGradient: dQKV.data + value)
        let dScores = softmax.backward(dP)
        scoreProduct!.backward(dScores.data, qkvValues.data + query, qkvValues.data + key,
                               aGradient: dQKV.data + query, bGradient: dQKV.data + key)
        return qkv.backward(dQKV)
    }

    /// The products for this batch shape (made again only when it changes).
    private func prepare(images: Int, tokens: Int, queries: Int, dimension: Int) -> HeadViews {
        let wanted = HeadViews(images: images, tokens: tokens, queries: queries, heads: heads, headDimension: dimension / heads)
        if views != wanted {
            views = wanted
            scoreProduct = wanted.scoreProduct()
            valueProduct = wanted.valueProduct()
        }
        return wanted
    }
}
