/// A network's stages, from the input: what fine-tuning's `--freeze N` counts. The
/// stem (or the ViT's patch embedding) is the first; then each ResNet stage
/// ("layer1" …) or each ViT encoder block. The classifier head is never a stage.
extension ModelConfiguration {
    /// The stages' names, as the model file's keys begin: "stem", "layer1", … or
    /// "patch embedding", "blocks.0", …
    public var stageNames: [String] {
        architecture.isResNet
            ? ["stem"] + (1...ResNetLayout(self).stages.count).map { "layer\($0)" }
            : ["patch embedding"] + (0..<depth).map { "blocks.\($0)" }
    }

    public var stageCount: Int { stageNames.count }

    /// The key prefix of the classifier head, which fine-tuning on other classes replaces.
    public var headKey: String { architecture.isResNet ? "fc" : "head" }
}

extension Module {
    /// This module's parameters outside the modules named by `prefixes` (a key belongs
    /// to a prefix when it is the prefix or starts with the prefix and a dot).
    func parameters(outside prefixes: [String]) -> [(key: String, parameter: Parameter)] {
        parameters.filter { !$0.key.hasKeyPrefix(in: prefixes) }
    }
}

extension String {
    /// Whether this `state_dict` key is one of `prefixes` or lies below one of them.
    func hasKeyPrefix(in prefixes: [String]) -> Bool {
        prefixes.contains { self == $0 || hasPrefix($0 + ".") }
    }
}
