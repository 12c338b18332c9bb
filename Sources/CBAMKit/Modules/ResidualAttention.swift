/// The two tensors that meet at the end of a residual block: the block's features F
/// (after its last BatchNorm) and the shortcut. Also their gradients, in backward.
public typealias ResidualBranches = (features: Tensor, shortcut: Tensor)

/// What ends a BasicBlock after its second BatchNorm: attention on the features F,
/// the residual add and the ReLU, run as one fused pass (see `GatedResidual`).
///
///     out = relu(attention(F) + shortcut)
///
/// Backward gives the gradients of F and of the shortcut. An attention that computes
/// maps says so through `channelAttention` and `spatialAttention`, which explanations read.
/// Each also writes itself into an ONNX graph (`ONNXResidualEnding`, for `cbam export`).
public protocol ResidualAttention: Layer, ONNXResidualEnding where Input == ResidualBranches, Output == Tensor, InputGradient == ResidualBranches {
    /// Which attention this is (`AttentionKind`).
    var kind: AttentionKind { get }
    /// The last forward's per-channel attention [N, C] (SE's s, CBAM's Mc), values in
    /// (0, 1); nil for an attention without one, or before a forward.
    var channelAttention: Tensor? { get }
    /// The last forward's per-pixel attention [N, 1, H, W] (CBAM's Ms), values in
    /// (0, 1); nil for an attention without one, or before a forward.
    var spatialAttention: Tensor? { get }
    /// Whether the gate starts from F's pooling over space (CBAM's channel gate, SE's
    /// squeeze). Then the pass that writes F, the block's last BatchNorm, pools on the way
    /// and hands it to `forward(_:pooled:_:)`: one read of F fewer.
    var poolsOverSpace: Bool { get }
    /// relu(attention(F) + shortcut), with F's pooling when `poolsOverSpace` (nil: the
    /// attention pools F itself).
    func forward(_ input: ResidualBranches, pooled: SpatialPooling?, _ mode: Mode) -> Tensor
    /// `backward` with ∂out given as two summands (the next block's input gradient,
    /// through its branch and its shortcut), which the first pass reading them adds.
    func backward(_ dy: SplitGradient) -> ResidualBranches
}

public extension ResidualAttention {
    var channelAttention: Tensor? { nil }
    var spatialAttention: Tensor? { nil }
    var poolsOverSpace: Bool { false }

    func forward(_ input: ResidualBranches, pooled: SpatialPooling?, _ mode: Mode) -> Tensor { forward(input, mode) }
    func backward(_ dy: SplitGradient) -> ResidualBranches { backward(dy.total) }

    /// relu(attention(features) + shortcut).
    func forward(_ features: Tensor, shortcut: Tensor, _ mode: Mode) -> Tensor { forward((features, shortcut), mode) }
}
