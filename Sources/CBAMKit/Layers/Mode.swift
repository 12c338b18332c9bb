/// How a forward pass runs.
public enum Mode: Sendable {
    /// Batch statistics in BatchNorm (updating the running ones); keeps what backward needs.
    case training
    /// Running statistics; keeps nothing. For classifying.
    case inference
    /// Running statistics, and keeps what backward needs: gradients of a trained,
    /// frozen model (Grad-CAM, input gradients).
    case explaining

    public var usesBatchStatistics: Bool { self == .training }
    public var keepsActivations: Bool { self != .inference }
}
