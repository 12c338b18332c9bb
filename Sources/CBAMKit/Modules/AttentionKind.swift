/// Which attention a block uses (`--attention none|se|cbam`).
public enum AttentionKind: String, CaseIterable, Sendable, Codable {
    case none, se, cbam

    /// The module and its `state_dict` name inside the block ("" for none).
    func make(channels: Int, reduction: Int, generator: inout RandomGenerator) -> (key: String, module: any ResidualAttention) {
        switch self {
        case .none: return ("", NoAttention())
        case .se: return ("se", SqueezeExcitation(channels: channels, reduction: reduction, generator: &generator))
        case .cbam: return ("cbam", CBAM(channels: channels, reduction: reduction, generator: &generator))
        }
    }
}
