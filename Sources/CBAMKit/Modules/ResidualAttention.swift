/// What ends a BasicBlock after its second BatchNorm: attention on the features F,
/// the residual add and the ReLU, run as one fused pass (see `GatedResidual`).
///
///     out = relu(attention(F) + shortcut)
public protocol ResidualAttention: Module {
    func forward(_ features: Tensor, shortcut: Tensor, _ mode: Mode) -> Tensor
    /// Gradients for the features and for the shortcut.
    func backward(_ dy: Tensor) -> (features: Tensor, shortcut: Tensor)
}

/// Which attention a block uses (`--attention none|se|cbam`).
public enum AttentionKind: String, CaseIterable, Sendable, Codable {
    case none, se, cbam

    /// The module and its `state_dict` name inside the block ("" for none).
    func make(channels: Int, reduction: Int, generator: inout RandomGenerator) -> (key: String, module: ResidualAttention) {
        switch self {
        case .none: return ("", NoAttention())
        case .se: return ("se", SqueezeExcitation(channels: channels, reduction: reduction, generator: &generator))
        case .cbam: return ("cbam", CBAM(channels: channels, reduction: reduction, generator: &generator))
        }
    }
}

/// The hidden width of the SE and CBAM MLPs: max(C / r, 1).
func hiddenWidth(channels: Int, reduction: Int) -> Int { max(channels / reduction, 1) }

/// The plain block's ending: relu(F + shortcut).
public final class NoAttention: ResidualAttention {
    private var output: Tensor?

    public init() {}
    public var parameters: [(key: String, parameter: Parameter)] { [] }

    public func forward(_ features: Tensor, shortcut: Tensor, _ mode: Mode) -> Tensor {
        Profiler.measure("residual") {
            let out = GatedResidual.forward(features, shortcut: shortcut, relu: true)
            output = mode.keepsActivations ? out : nil
            return out
        }
    }

    public func backward(_ dy: Tensor) -> (features: Tensor, shortcut: Tensor) {
        Profiler.measure("residual") {
            let g = GatedResidual.maskedGradient(dy, output: output!)
            return (g, g)
        }
    }
}
