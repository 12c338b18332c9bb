import OneDNN

/// From the patch embedding's feature map to the encoder's token sequence, in one
/// pass: the class token first, then one token per patch (row-major over the grid),
/// each plus its learned position embedding.
///
///     tokens[n, 0] = cls + pos[0],   tokens[n, 1 + p] = patches[n, :, p] + pos[1 + p]
///
/// Patches arrive blocked (nChw16c: each pixel's 16 channels of a block are one
/// vector), which is the token layout already, 16 features at a time.
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
            let (d, t, hw, blocks) = (dimension, tokens, patches.spatial, patches.channelBlocks)
            let out = Tensor(shape: [patches.batch, t, d])
            let (cls, pos) = (classToken.value.data, positions.value.data)
            let runs = VectorRuns(d)
            Parallel.forEach(patches.batch, minimumPerThread: 2) { image in
                let rows = out.data + image * t * d
                runs.forEach { j, n, _ in rows.setVector(cls.vector(at: j) + pos.vector(at: j), at: j, count: n) }
                for block in 0..<blocks {
                    let j = block * 16, n = min(16, d - j)
                    let source = patches.data + (image * blocks + block) * hw * 16
                    for p in 0..<hw {
                        let token = (1 + p) * d + j
                        rows.setVector(source.vector(at: p * 16) + pos.vector(at: token), at: token, count: n)
                    }
                }
            }
            return out
        }
    }

    /// ∂patches (blocked, zero padding lanes); fills ∂cls = Σₙ ∂tokens[n, 0] and ∂pos = Σₙ ∂tokens[n].
    public func backward(_ dTokens: Tensor) -> Tensor {
        Profiler.measure("tokens") {
            let (d, t) = (dimension, tokens)
            ColumnSums.sum(dTokens.data, rows: dTokens.count / (t * d), columns: t * d, into: positions.gradient.data)
            classToken.gradient.data.update(from: positions.gradient.data, count: d)
            let dPatches = Tensor(shape: patchShape, layout: .blocked)
            let (hw, blocks) = (dPatches.spatial, dPatches.channelBlocks)
            Parallel.forEach(dPatches.batch, minimumPerThread: 2) { image in
                let rows = dTokens.data + image * t * d
                for block in 0..<blocks {
                    let j = block * 16, n = min(16, d - j)
                    let target = dPatches.data + (image * blocks + block) * hw * 16
                    let keep = Vector.ones(firstLanes: n)
                    for p in 0..<hw { target.setVector(rows.vector(at: (1 + p) * d + j) * keep, at: p * 16) }
                }
            }
            return dPatches
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
