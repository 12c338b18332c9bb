/// The one description of a network: every architectural choice, the input it takes
/// and the classes it tells apart. The command line builds it, a model file stores it
/// (`ModelMetadata`), and `validate()` bounds every field before anything allocates.
public struct ModelConfiguration: Hashable, Sendable, Codable {
    public enum Architecture: String, Sendable, Codable, CaseIterable {
        case resnetSmall = "resnet-small"
        case vitTiny = "vit-tiny"
    }

    public var architecture: Architecture = .resnetSmall
    /// The CNN's block attention; `.none` for the ViT.
    public var attention: AttentionKind = .cbam
    /// Input channels: 1 (grey) or 3 (RGB).
    public var channels = 3
    /// Input side S: images are resized to S×S.
    public var imageSize = 32
    public var classes = 10
    /// ResNet: base width w. ViT: embedding dimension d.
    public var width = 32
    /// ResNet: BasicBlocks per stage. ViT: encoder blocks.
    public var depth = 1
    /// SE/CBAM reduction r.
    public var reduction = 8
    /// ViT only: patch side p, attention heads h, MLP hidden = mlpRatio · d.
    public var patchSize = 4
    public var heads = 4
    public var mlpRatio = 2

    public init(architecture: Architecture = .resnetSmall, attention: AttentionKind = .cbam, channels: Int = 3,
                imageSize: Int = 32, classes: Int = 10, width: Int = 32, depth: Int = 1, reduction: Int = 8,
                patchSize: Int = 4, heads: Int = 4, mlpRatio: Int = 2) {
        self.architecture = architecture; self.attention = attention; self.channels = channels
        self.imageSize = imageSize; self.classes = classes; self.width = width; self.depth = depth
        self.reduction = reduction; self.patchSize = patchSize; self.heads = heads; self.mlpRatio = mlpRatio
    }
}

// MARK: - The names users type

extension ModelConfiguration {
    /// The `--model` names: the three CNNs and the ViT.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case plain, se, cbam, vit
    }

    /// DESIGN.md's defaults for a `--model` name (ResNet: w = 32, depth 1; ViT: d = 96,
    /// 4 blocks, 4 heads, p = 4).
    public init(kind: Kind, channels: Int = 3, imageSize: Int = 32, classes: Int = 10) {
        switch kind {
        case .plain: self.init(attention: .none, channels: channels, imageSize: imageSize, classes: classes)
        case .se: self.init(attention: .se, channels: channels, imageSize: imageSize, classes: classes)
        case .cbam: self.init(attention: .cbam, channels: channels, imageSize: imageSize, classes: classes)
        case .vit: self.init(architecture: .vitTiny, attention: .none, channels: channels, imageSize: imageSize,
                             classes: classes, width: 96, depth: 4)
        }
    }

    public var kind: Kind {
        switch (architecture, attention) {
        case (.vitTiny, _): return .vit
        case (.resnetSmall, .none): return .plain
        case (.resnetSmall, .se): return .se
        case (.resnetSmall, .cbam): return .cbam
        }
    }
}

// MARK: - Building a model

extension ModelConfiguration {
    /// A freshly initialised network of this configuration; call it on a validated one.
    public func makeModel(seed: UInt64) -> ImageClassifier {
        switch architecture {
        case .resnetSmall: return ResNetSmall(self, seed: seed)
        case .vitTiny: return VisionTransformer(self, seed: seed)
        }
    }
}
