import OneDNN

/// DESIGN.md's "vit-tiny" (Dosovitskiy et al.): a p×p stride-p convolution embeds
/// the patches, a class token and learned position embeddings join them, `depth`
/// pre-LayerNorm encoder blocks follow, and a final LayerNorm and a linear head
/// read the class token.
///
/// Keys follow timm's VisionTransformer, so its users recognise them and the
/// weights load into Tests/PyTorch/vit_reference.py: `patch_embed.proj`,
/// `cls_token`, `pos_embed`, `blocks.K.{norm1, attn.qkv, attn.proj, norm2,
/// mlp.fc1, mlp.fc2}`, `norm`, `head`.
///
/// Initialisation as timm's (`init_weights_vit_timm`): every Linear weight
/// trunc-normal with std 0.02 and bias 0; `pos_embed` and `cls_token` trunc-normal
/// std 0.02 (as timm before 0.6; it now draws cls_token with std 1e-6); LayerNorm
/// γ = 1, β = 0; the patch convolution keeps PyTorch's default weights,
/// U(±1/√fan_in), as timm leaves them, with bias 0.
public final class VisionTransformer: ImageClassifier, Layer, AttentionRolloutHook {
    public let configuration: ModelConfiguration
    public let patchEmbedding: Conv2d
    public let tokens: TokenEmbedding
    public let blocks: [EncoderBlock]
    public let norm: LayerNorm
    public let head: Linear
    public var frozenStages = 0

    public init(_ configuration: ModelConfiguration, seed: UInt64 = 0) {
        self.configuration = configuration
        var generator = RandomGenerator(seed: seed)
        let (d, p, c) = (configuration.width, configuration.patchSize, configuration.channels)
        patchEmbedding = Conv2d(c, d, kernel: p, stride: p, bias: true, initialisation: .pytorchDefault, generator: &generator)
        let grid = configuration.imageSize / p
        tokens = TokenEmbedding(dimension: d, patches: grid * grid, generator: &generator)
        blocks = (0..<configuration.depth).map { _ in
            EncoderBlock(dimension: d, heads: configuration.heads, mlpRatio: configuration.mlpRatio, generator: &generator)
        }
        norm = LayerNorm(d)
        head = Linear(d, configuration.classes, generator: &generator)
        for (_, parameter) in parameters where parameter.shape.count == 2 {  // exactly the Linear weights
            parameter.value.assign(truncatedNormal(parameter.value.count, std: 0.02, &generator))
        }
    }

    /// `tokens` sits at the top level: its keys are `cls_token` and `pos_embed`.
    public var children: [(key: String, module: Module)] {
        [("patch_embed.proj", patchEmbedding), ("", tokens)] + blocks.enumerated().map { ("blocks.\($0.offset)", $0.element) }
            + [("norm", norm), ("head", head)]
    }

    /// The patch embedding (with the class token and position embedding), then each block.
    public var stageKeys: [[String]] {
        [["patch_embed.proj", "cls_token", "pos_embed"]] + blocks.indices.map { ["blocks.\($0)"] }
    }

    /// `attentionRollout()` explains it.
    public var rolloutHook: AttentionRolloutHook? { self }

    /// The patch grid's height and width.
    public var grid: (height: Int, width: Int) {
        (configuration.imageSize / configuration.patchSize, configuration.imageSize / configuration.patchSize)
    }

    public func forward(_ images: Tensor, _ mode: Mode) -> Tensor {
        precondition(images.shape.count == 4 && images.channels == configuration.channels
                     && images.height == configuration.imageSize && images.width == configuration.imageSize,
                     "expected images [N, \(configuration.channels), \(configuration.imageSize), \(configuration.imageSize)], got \(images.shape)")
        let embeddingMode = self.mode(ofStage: 0, mode)
        var x = tokens.forward(patchEmbedding.forward(images, embeddingMode), embeddingMode)
        // The head reads only the class token, so the last block computes only its row
        // (LayerNorm works per token: normalising that row alone gives what timm's does).
        for (i, block) in blocks.enumerated() {
            x = block.forward(x, self.mode(ofStage: i + 1, mode), classTokenOnly: i == blocks.count - 1)
        }
        return head.forward(norm.forward(x.reshaped([x.shape[0], x.shape[2]]), mode), mode)
    }

    /// ∂L/∂images; fills every parameter's gradient.
    public func backward(_ dLogits: Tensor) -> Tensor { backward(dLogits, inputGradient: true)! }

    @discardableResult
    public func backward(_ dLogits: Tensor, inputGradient: Bool, finished: (Module) -> Void) -> Tensor? {
        let dHead = head.backward(dLogits)
        finished(head)
        let dClass = norm.backward(dHead)
        finished(norm)
        var dx = dClass.reshaped([dClass.shape[0], 1, dClass.shape[1]])
        precondition(!inputGradient || frozenStages == 0, "a network with frozen stages has no input gradient")
        for (i, block) in blocks.enumerated().reversed() where i + 1 >= frozenStages {
            dx = block.backward(dx)
            finished(block)
        }
        guard frozenStages == 0 else { return nil }
        dx = tokens.backward(dx)
        finished(tokens)
        let dImages = patchEmbedding.backward(dx, inputGradient: inputGradient)
        finished(patchEmbedding)
        return dImages
    }
}
