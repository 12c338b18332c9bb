/// CBAM's channel attention (Woo et al., ECCV 2018, arXiv:1807.06521):
///
///     Mc = sigmoid(MLP(avgpool(F)) + MLP(maxpool(F)))
///
/// with one shared `BottleneckMLP` (Linear C → C/r, ReLU, Linear C/r → C), pooling over
/// H×W. The two pooled vectors go through the MLP together, as one [2N, C] batch.
/// Keys as the official code: `mlp.1`, `mlp.3`.
public final class ChannelGate: Layer {
    public let mlp: BottleneckMLP

    /// Mc of the last forward (set by `CBAM` when its inference runs image by image).
    var gate: Tensor?
    private(set) var maximumAt: [Int32] = []

    public init(channels: Int, reduction: Int, generator: inout RandomGenerator) {
        mlp = BottleneckMLP(channels: channels, reduction: reduction, keys: ("1", "3"), generator: &generator)
    }

    public var children: [(key: String, module: Module)] { [("mlp", mlp)] }

    /// Mc as [N, C], from blocked features [N, C, H, W].
    public func forward(_ features: Tensor, _ mode: Mode) -> Tensor {
        forward(pooled: Pooling.overSpace(features, locatingMaxima: mode.keepsActivations), mode)
    }

    /// Mc from the features' `SpatialPooling` (with the maxima located when the mode keeps activations).
    func forward(pooled: SpatialPooling, _ mode: Mode) -> Tensor {
        let n = pooled.average.shape[0]
        let o = mlp.forward(Tensor.stacking([pooled.average, pooled.maximum]), mode)
        let mc = Elementwise.sigmoid(Elementwise.add(o.rows(0..<n), o.rows(n..<2 * n)))
        gate = mc
        if mode.keepsActivations { maximumAt = pooled.argmax }
        return mc
    }

    /// The MLP as one image's inference needs it (`CBAMInference`).
    var inferenceKernel: ChannelAttentionKernel { ChannelAttentionKernel(reduce: mlp.reduce, expand: mlp.expand) }

    /// The gradients of the average- and the max-pooled vectors, from ∂L/∂Mc: both are
    /// MLP-backward(∂Mc ⊙ Mc(1 − Mc)) of their own half of the batch.
    public func backward(_ dGate: Tensor) -> (average: Tensor, maximum: Tensor) {
        let n = dGate.shape[0]
        let dSum = Elementwise.sigmoidBackward(dGate, output: gate!)
        let dStacked = mlp.backward(Tensor.stacking([dSum, dSum]))
        return (dStacked.rows(0..<n), dStacked.rows(n..<2 * n))
    }
}
