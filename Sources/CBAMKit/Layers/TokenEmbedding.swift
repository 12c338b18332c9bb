/// From the patch embedding's feature map to the encoder's token sequence, in one
/// pass: the class token first, then one token per patch (row-major over the grid),
/// each plus its learned position embedding.
///
///     tokens[n, 0] = cls + pos[0],   tokens[n, 1 + p] = patches[n, :, p] + pos[1 + p]
///
/// Patches arrive blocked (nChw16c), which is the token layout already, 16 features
/// at a time (`TokenKernels`).
/// Keys as timm's VisionTransformer: `cls_token` [1, 1, d], `pos_embed` [1, T, d].
public final class TokenEmbedding: Layer {
    public let classToken: Parameter
    public let positions: Parameter
    public let dimension, tokens: Int

    private var patchShape: [Int] = []

    /// Both trunc-normal, std 0.02 (see `VisionTransformer` for the initialisation).
    public init(dimension: Int, patches: Int, generator: inout RandomGenerator) {
        self.dimension = dimension
        tokens = patches + 1
        classToken = Parameter(Tensor(shape: [1, 1, dimension], values: truncatedNormal(dimension, std: 0.02, &generator)))
        positions = Parameter(Tensor(shape: [1, tokens, dimension], values: truncatedNormal(tokens * dimension, std: 0.02, &generator)))
    }

    public var parameters: [(key: String, parameter: Parameter)] { [("cls_token", classToken), ("pos_embed", positions)] }

    /// [N, d, gh, gw] blocked → [N, 1 + gh·gw, d] plain.
    public func forward(_ patches: Tensor, _ mode: Mode) -> Tensor {
        Profiler.measure("tokens") {
            precondition(patches.layout == .blocked && patches.channels == dimension && patches.spatial + 1 == tokens,
                         "TokenEmbedding expects blocked [N, \(dimension), H, W] with H·W = \(tokens - 1), got \(patches.shape)")
            patchShape = patches.shape
            return TokenKernels.embed(patches, classToken: classToken.value, positions: positions.value)
        }
    }

    /// ∂patches (blocked, zero padding lanes) = ∂tokens[n, 1 + p]; fills
    /// ∂cls = Σₙ ∂tokens[n, 0] and ∂pos = Σₙ ∂tokens[n].
    public func backward(_ dTokens: Tensor) -> Tensor {
        Profiler.measure("tokens") {
            TokenKernels.backward(dTokens, patchShape: patchShape, classTokenGradient: classToken.gradient,
                                  positionsGradient: positions.gradient)
        }
    }
}

/// Normal(0, std²) samples redrawn outside ±2 (absolute), as timm's `trunc_normal_(std=…)`
/// with its default bounds a = −2, b = 2.
func truncatedNormal(_ count: Int, std: Float, _ generator: inout RandomGenerator) -> [Float] {
    (0..<count).map { _ in
        var value: Float
        repeat { value = std * generator.nextNormal() } while abs(value) > 2
        return value
    }
}
