/// A way to show where a network looks (`cbam attention --method`). A new method is one
/// more case here, with its availability and its maps in `Explainer`.
public enum ExplanationMethod: String, CaseIterable, Sendable, Codable {
    /// Each CBAM block's spatial attention Ms.
    case spatial
    /// Grad-CAM on the last convolutional stage.
    case gradcam
    /// A ViT's attention rollout (Abnar & Zuidema) from the class token to the patches.
    case rollout

    /// Why this method cannot explain `network`, or nil when it can.
    public func unavailableReason(for network: ImageClassifier) -> String? {
        switch self {
        case .spatial:
            return BlockAttention.cbamBlocks(of: network).isEmpty
                ? "the model has no CBAM blocks (it is a \(network.configuration.kind.rawValue) model), so it has no spatial attention maps"
                : nil
        case .gradcam:
            return GradCAM.unavailableReason(for: network)
        case .rollout:
            return network.rolloutHook != nil
                ? nil : "attention rollout needs a ViT's self-attention, and this is a \(network.configuration.kind.rawValue) model"
        }
    }

    /// The methods that can explain `network`.
    public static func available(for network: ImageClassifier) -> [ExplanationMethod] {
        allCases.filter { $0.unavailableReason(for: network) == nil }
    }

    /// The layers whose maps this method gives for `network`, in order.
    public func layers(of network: ImageClassifier) -> [String] {
        switch self {
        case .spatial: return BlockAttention.cbamBlocks(of: network).map(\.key)
        case .gradcam: return network.gradCAMHook.map { [$0.gradCAMLayer] } ?? []
        case .rollout: return network.rolloutHook == nil ? [] : ["blocks"]
        }
    }

    /// How the method is named in labels.
    public var title: String {
        switch self {
        case .spatial: return "spatial"
        case .gradcam: return "Grad-CAM"
        case .rollout: return "rollout"
        }
    }
}
