/// Multi-head scaled dot-product self-attention, as timm's `Attention`:
///
///     q, k, v = split(qkv(x)),  P = softmax(q·kᵀ/√dₕ) per head,  out = proj(merge(P·v))
///
/// Keys `qkv` (d → 3d, with bias) and `proj` (d → d). The heads are strided views
/// into the qkv output (`HeadViews`), so nothing is split or merged by copying, and
/// the projection adds its result straight into the residual stream.
public final class MultiHeadSelfAttention: Module {
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

    public var parameters: [(key: String, parameter: Parameter)] { scoped("qkv", qkv.parameters) + scoped("proj", proj.parameters) }

    /// The last forward's attention probabilities [N, H, T, T] (kept when the mode keeps activations).
    public var probabilities: Tensor? { softmax.probabilities }

    /// stream += proj(attention(x)), in place; x is [N, T, d] (the normalised stream).
    public func forward(_ x: Tensor, _ mode: Mode, addingTo stream: Tensor) {
        let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        let views = prepare(images: n, tokens: t, dimension: d)
        let qkvValues = qkv.forward(x, mode)
        let scores = Tensor(shape: [n, heads, t, t])
        scoreProduct!.forward(qkvValues.data + views.offset(of: .query), qkvValues.data + views.offset(of: .key), into: scores.data)
        let p = softmax.forward(scores, mode)
        let merged = Tensor(shape: [n, t, d])
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
        let dP = Tensor(shape: p.shape)
        let (query, key, value) = (views.offset(of: .query), views.offset(of: .key), views.offset(of: .value))
        valueProduct!.backward(dMerged.data, p.data, qkvValues.data + value, aGradient: dP.data, bGradient: dQKV.data + value)
        let dScores = softmax.backward(dP)
        scoreProduct!.backward(dScores.data, qkvValues.data + query, qkvValues.data + key,
                               aGradient: dQKV.data + query, bGradient: dQKV.data + key)
        return qkv.backward(dQKV)
    }

    /// The products for this batch shape (made again only when it changes).
    private func prepare(images: Int, tokens: Int, dimension: Int) -> HeadViews {
        let wanted = HeadViews(images: images, tokens: tokens, heads: heads, headDimension: dimension / heads)
        if views != wanted {
            views = wanted
            scoreProduct = wanted.scoreProduct()
            valueProduct = wanted.valueProduct()
        }
        return wanted
    }
}
