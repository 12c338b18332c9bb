/// A network whose self-attention attention rollout (Abnar & Zuidema, 2020) can read.
public protocol AttentionRolloutHook: AnyObject {
    /// The class token's rollout over the patches, [N, gridHeight, gridWidth], from the
    /// last forward, which must have kept its activations (`.explaining`).
    func attentionRollout() -> Tensor
}
