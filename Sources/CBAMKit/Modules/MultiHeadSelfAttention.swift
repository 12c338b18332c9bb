/// Multi-head self-attention, as timm's `Attention`:
///
///     q, k, v = split(qkv(x)),  out = proj(merge(softmax(q·kᵀ/√dₕ)·v))  per head
///
/// Keys `qkv` (d → 3d, with bias) and `proj` (d → d). Between them,
/// `ScaledDotProductAttention` reads the heads as views into the qkv output, and
/// the projection adds its result straight into the residual stream.
///
/// When only the class token's output is wanted (the last block: the head reads
/// nothing else), only it queries: keys and values still come from every token,
/// but the scores, the softmax, P·V and the projection shrink by a factor T.
public final class MultiHeadSelfAttention: Layer {
    public let qkv: Linear
    public let proj: Linear
    public let scaledDotProduct: ScaledDotProductAttention

    public init(dimension: Int, heads: Int, generator: inout RandomGenerator) {
        precondition(dimension % heads == 0, "dimension \(dimension) is not a multiple of \(heads) heads")
        qkv = Linear(dimension, 3 * dimension, generator: &generator)
        proj = Linear(dimension, dimension, generator: &generator)
        scaledDotProduct = ScaledDotProductAttention(heads: heads, headDimension: dimension / heads)
    }

    public var children: [(key: String, module: Module)] { [("qkv", qkv), ("proj", proj)] }

    public var heads: Int { scaledDotProduct.heads }

    /// The last forward's attention probabilities [N, H, queries, T] (kept when the mode
    /// keeps activations); queries = T, or 1 for the class token alone.
    public var probabilities: Tensor? { scaledDotProduct.probabilities }

    /// proj(attention(x)), [N, T, d] → [N, T, d].
    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let out = Tensor.zeros(x.shape)
        forward(x, mode, addingTo: out)
        return out
    }

    /// stream += proj(attention(x)), in place; x is [N, T, d] (the normalised stream),
    /// stream [N, T, d], or [N, 1, d] with `classTokenOnly` (the first token's output).
    public func forward(_ x: Tensor, _ mode: Mode, addingTo stream: Tensor, classTokenOnly: Bool = false) {
        let merged = scaledDotProduct.forward(qkv.forward(x, mode), mode, classTokenOnly: classTokenOnly)
        proj.forward(merged, mode, addingTo: stream)
    }

    /// ∂x from ∂stream (the stream's own gradient passes by this branch unchanged):
    /// back through proj, the attention and qkv.
    public func backward(_ dStream: Tensor) -> Tensor {
        qkv.backward(scaledDotProduct.backward(proj.backward(dStream)))
    }
}
