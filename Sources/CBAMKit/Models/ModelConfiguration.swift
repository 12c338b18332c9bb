/// Every architectural choice of a model: what a model file's metadata records.
public struct ModelConfiguration: Hashable, Sendable, Codable {
    public enum Architecture: String, Sendable, Codable {
        case resnetSmall = "resnet-small"
        case vitTiny = "vit-tiny"
    }

    public var architecture: Architecture = .resnetSmall
    /// The CNN's block attention; `.none` for the ViT.
    public var attention: AttentionKind = .cbam
    public var channels = 3
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

    /// DESIGN.md's defaults for a `--model` name (ViT: d = 96, 4 blocks, 4 heads, p = 4).
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

// MARK: - Building a model, and the model file's metadata

extension ModelConfiguration {
    /// A freshly initialised network of this configuration.
    public func makeModel(seed: UInt64) -> ImageClassifier {
        switch architecture {
        case .resnetSmall: return ResNetSmall(self, seed: seed)
        case .vitTiny: return VisionTransformer(self, seed: seed)
        }
    }

    /// The metadata a model file of this configuration carries.
    public func metadata(classNames: [String], mean: [Float], std: [Float],
                         extra: [String: String] = [:]) -> ModelMetadata {
        precondition(classNames.count == classes, "\(classNames.count) class names for \(classes) classes")
        var extra = extra
        if architecture == .vitTiny {
            extra["patch_size"] = String(patchSize)
            extra["heads"] = String(heads)
            extra["mlp_ratio"] = String(mlpRatio)
        }
        return ModelMetadata(architecture: architecture.rawValue, attention: attention.rawValue, width: width,
                             depth: depth, reduction: reduction, channels: channels, imageSize: imageSize,
                             classes: classNames, mean: mean, std: std, extra: extra)
    }

    /// The configuration a model file's metadata describes; `fileName` names the file in errors.
    public init(metadata: ModelMetadata, fileName: String) throws {
        func failure(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }
        guard let architecture = Architecture(rawValue: metadata.architecture) else {
            throw failure("unknown architecture '\(metadata.architecture)' (this version knows resnet-small and vit-tiny)")
        }
        guard let attention = AttentionKind(rawValue: metadata.attention) else {
            throw failure("unknown attention '\(metadata.attention)' (expected none, se or cbam)")
        }
        func extraInteger(_ key: String) throws -> Int {
            guard let text = metadata.extra[key] else { throw failure("the metadata has no '\(key)'") }
            guard let value = Int(text), value > 0 else { throw failure("metadata '\(key)' is '\(text)', expected a positive integer") }
            return value
        }
        self.init(architecture: architecture, attention: attention, channels: metadata.channels,
                  imageSize: metadata.imageSize, classes: metadata.classes.count, width: metadata.width,
                  depth: metadata.depth, reduction: metadata.reduction)
        if architecture == .vitTiny {
            patchSize = try extraInteger("patch_size")
            heads = try extraInteger("heads")
            mlpRatio = try extraInteger("mlp_ratio")
        }
        try validate(failure)
    }

    /// Sizes that build a working network; `failure` turns a reason into the caller's error.
    public func validate<E: Error>(_ failure: (String) -> E) throws {
        guard channels == 1 || channels == 3 else { throw failure("channels is \(channels), expected 1 or 3") }
        guard classes >= 2 else { throw failure("\(classes) classes; a classifier needs at least 2") }
        guard width >= 1, depth >= 1, reduction >= 1 else {
            throw failure("width \(width), depth \(depth) and reduction \(reduction) must all be at least 1")
        }
        switch architecture {
        case .resnetSmall:
            guard imageSize >= 8 else { throw failure("image size \(imageSize) is below the smallest, 8") }
        case .vitTiny:
            guard imageSize % patchSize == 0 else {
                throw failure("image size \(imageSize) is not a multiple of the patch size \(patchSize)")
            }
            guard width % heads == 0 else { throw failure("dimension \(width) is not a multiple of \(heads) heads") }
        }
    }
}
