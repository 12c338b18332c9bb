/// The one description of a network: every architectural choice, the input it takes
/// and the classes it tells apart. The command line builds it, a model file stores it
/// (`ModelMetadata`), and `validate()` bounds every field before anything allocates.
public struct ModelConfiguration: Hashable, Sendable, Codable {
    public enum Architecture: String, Sendable, Codable, CaseIterable {
        case resnetSmall = "resnet-small"
        /// The official CBAM ResNets (DESIGN.md, "The official CBAM ResNets").
        case resnet18, resnet34, resnet50, resnet101
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
    /// ResNet: base width w, the stem's and the first stage's (stages w, 2w, 4w(, 8w)
    /// times the block's expansion). ViT: embedding dimension d.
    public var width = 32
    /// resnet-small: BasicBlocks per stage. resnet18 … resnet101: 18 … 101, fixed by the
    /// architecture. ViT: encoder blocks.
    public var depth = 1
    /// SE/CBAM reduction r.
    public var reduction = 8
    /// ViT only: patch side p (default `Architecture.defaultPatchSize(imageSize:)`),
    /// attention heads h, MLP hidden = mlpRatio · d.
    public var patchSize = 4
    public var heads = 4
    public var mlpRatio = 2

    /// Width, depth and reduction default to the architecture's (`Architecture.defaultSizes`),
    /// the patch side to the image size's (`Architecture.defaultPatchSize(imageSize:)`).
    public init(architecture: Architecture = .resnetSmall, attention: AttentionKind = .cbam, channels: Int = 3,
                imageSize: Int = 32, classes: Int = 10, width: Int? = nil, depth: Int? = nil, reduction: Int? = nil,
                patchSize: Int? = nil, heads: Int = 4, mlpRatio: Int = 2) {
        let defaults = architecture.defaultSizes
        self.architecture = architecture; self.attention = attention; self.channels = channels
        self.imageSize = imageSize; self.classes = classes; self.width = width ?? defaults.width
        self.depth = depth ?? defaults.depth; self.reduction = reduction ?? defaults.reduction
        // A ResNet has no patches: its unused patch side stays DESIGN.md's 4 whatever S, so two
        // descriptions of one ResNet are equal however they were made (a model file stores none).
        self.patchSize = patchSize ?? (architecture.isResNet ? 4 : Architecture.defaultPatchSize(imageSize: imageSize))
        self.heads = heads; self.mlpRatio = mlpRatio
    }
}

// MARK: - What each architecture fixes

extension ModelConfiguration.Architecture {
    /// The ResNets, the CNNs that take `--model plain|se|cbam` (everything but the ViT).
    public static var resnets: [Self] { allCases.filter(\.isResNet) }

    public var isResNet: Bool { self != .vitTiny }

    /// DESIGN.md's defaults, the one place they are decided: resnet-small w = 32, one
    /// block per stage, r = 8; the official ResNets w = 64 and r = 16 as in the paper,
    /// their depth their name's; the ViT d = 96 and 4 blocks.
    public var defaultSizes: (width: Int, depth: Int, reduction: Int) {
        switch self {
        case .resnetSmall: return (32, 1, 8)
        case .vitTiny: return (96, 4, 8)
        default: return (64, fixedDepth!, 16)
        }
    }

    /// The ViT's patch side for an S-pixel image, the one place it is decided: S/8, so
    /// 64 patches (p = 8 at S = 64, 28 at S = 224), but never below DESIGN.md's p = 4
    /// (S = 28 and 32 keep it); when that does not divide S, the largest divisor of S
    /// below it (a few more patches).
    public static func defaultPatchSize(imageSize: Int) -> Int {
        let target = max(4, imageSize / 8)
        // Outside the bounds `validate()` refuses the size anyway; don't search a huge one.
        guard ModelConfiguration.Limits.imageSize.contains(imageSize) else { return target }
        return stride(from: min(target, imageSize), through: 1, by: -1).first { imageSize % $0 == 0 } ?? 1
    }

    /// The depth an official ResNet's name states (nil where `depth` is free).
    public var fixedDepth: Int? {
        switch self {
        case .resnet18: return 18
        case .resnet34: return 34
        case .resnet50: return 50
        case .resnet101: return 101
        case .resnetSmall, .vitTiny: return nil
        }
    }
}

// MARK: - The names users type

extension ModelConfiguration {
    /// The `--model` names: the three CNNs and the ViT.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case plain, se, cbam, vit
    }

    /// DESIGN.md's defaults for a `--model` name on the ResNet `resnet` (ignored for the
    /// ViT): the architecture's sizes (`Architecture.defaultSizes`); the ViT's 4 heads, p = 4.
    public init(kind: Kind, resnet: Architecture = .resnetSmall, channels: Int = 3, imageSize: Int = 32, classes: Int = 10) {
        precondition(resnet.isResNet, "\(resnet.rawValue) is not a ResNet")
        switch kind {
        case .plain: self.init(architecture: resnet, attention: .none, channels: channels, imageSize: imageSize, classes: classes)
        case .se: self.init(architecture: resnet, attention: .se, channels: channels, imageSize: imageSize, classes: classes)
        case .cbam: self.init(architecture: resnet, attention: .cbam, channels: channels, imageSize: imageSize, classes: classes)
        case .vit: self.init(architecture: .vitTiny, attention: .none, channels: channels, imageSize: imageSize, classes: classes)
        }
    }

    /// The model's name in messages: its kind, with the official ResNet it is built on
    /// ("cbam", "vit", "cbam resnet50").
    public var name: String {
        architecture.fixedDepth == nil ? kind.rawValue : "\(kind.rawValue) \(architecture.rawValue)"
    }

    public var kind: Kind {
        guard architecture.isResNet else { return .vit }
        switch attention {
        case .none: return .plain
        case .se: return .se
        case .cbam: return .cbam
        }
    }
}

// MARK: - Building a model

extension ModelConfiguration {
    /// A freshly initialised network of this configuration; call it on a validated one.
    public func makeModel(seed: UInt64) -> ImageClassifier {
        architecture.isResNet ? ResNet(self, seed: seed) : VisionTransformer(self, seed: seed)
    }
}
