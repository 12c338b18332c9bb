/// A pre-LayerNorm transformer encoder block, as timm's `Block`:
///
///     x = x + attn(norm1(x));  x = x + mlp(norm2(x))
///
/// Keys `norm1`, `attn`, `norm2`, `mlp`. The residual stream is a copy of x that
/// norm1 writes in its own pass; attn's projection and the MLP's fc2 then add into
/// it inside their products, so no residual add is a pass of its own. Backward
/// adds the stream's gradient to each norm's input gradient inside the norm's pass.
///
/// `classTokenOnly` computes the first token's output alone, [N, 1, d]: all that
/// the last block must give the head. Every token still feeds the attention's keys
/// and values, so the result is the same row the full block would give.
public final class EncoderBlock: Layer {
    public let norm1: LayerNorm
    public let attn: MultiHeadSelfAttention
    public let norm2: LayerNorm
    public let mlp: TransformerMLP

    private var streamShape: [Int] = []
    private var classTokenOnly = false

    public init(dimension: Int, heads: Int, mlpRatio: Int, generator: inout RandomGenerator) {
        norm1 = LayerNorm(dimension)
        attn = MultiHeadSelfAttention(dimension: dimension, heads: heads, generator: &generator)
        norm2 = LayerNorm(dimension)
        mlp = TransformerMLP(dimension: dimension, hidden: mlpRatio * dimension, generator: &generator)
    }

    public var children: [(key: String, module: Module)] { [("norm1", norm1), ("attn", attn), ("norm2", norm2), ("mlp", mlp)] }

    /// [N, T, d] → [N, T, d]; x itself is left as it was.
    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor { forward(x, mode, classTokenOnly: false) }

    /// [N, T, d] → [N, T, d], or [N, 1, d] with `classTokenOnly`; x itself is left as it was.
    public func forward(_ x: Tensor, _ mode: Mode, classTokenOnly: Bool) -> Tensor {
        let (normalized, copy) = norm1.forward(x, mode, copyingInput: !classTokenOnly)
        let stream = copy ?? x.slice(0..<1, axis: 1)  // the class token's row of every image
        attn.forward(normalized, mode, addingTo: stream, classTokenOnly: classTokenOnly)
        mlp.forward(norm2.forward(stream, mode), mode, addingTo: stream)
        streamShape = x.shape
        self.classTokenOnly = classTokenOnly
        return stream
    }

    /// ∂x [N, T, d] from ∂output (shaped as the output).
    public func backward(_ dy: Tensor) -> Tensor {
        let dMiddle = norm2.backward(mlp.backward(dy), adding: dy)
        return norm1.backward(attn.backward(dMiddle), adding: classTokenOnly ? classTokenRowsGradient(dMiddle) : dMiddle)
    }

    /// The gradient of `x.slice(0..<1, axis: 1)`: [N, 1, d] → [N, T, d], zeros in the other rows.
    private func classTokenRowsGradient(_ dRows: Tensor) -> Tensor {
        let dx = Tensor.zeros(streamShape)
        dx.setSlice(0..<1, axis: 1, to: dRows)
        return dx
    }
}
