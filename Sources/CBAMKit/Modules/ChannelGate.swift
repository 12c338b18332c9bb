/// CBAM's channel gate: Mc = sigmoid(MLP(avgpool F) + MLP(maxpool F)), one shared
/// MLP (Linear C→C/r, ReLU, Linear C/r→C). Keys as the official code: `mlp.1`, `mlp.3`.
/// The two pooled vectors go through the MLP together, as one [2N, C] batch.
public final class ChannelGate: Layer {
    public let first: Linear    // mlp.1
    public let second: Linear   // mlp.3

    private var hidden: Tensor?
    private(set) var gate: Tensor?
    private(set) var maximumAt: [Int32] = []

    public init(channels: Int, reduction: Int, generator: inout RandomGenerator) {
        let h = hiddenWidth(channels: channels, reduction: reduction)
        first = Linear(channels, h, generator: &generator)
        second = Linear(h, channels, generator: &generator)
    }

    public var children: [(key: String, module: Module)] { [("mlp.1", first), ("mlp.3", second)] }

    /// Mc as [N, C].
    public func forward(_ features: Tensor, _ mode: Mode) -> Tensor {
        let (average, maximum, argmax) = Pooling.overSpace(features)
        let (n, c) = (features.batch, features.channels)
        let stacked = Tensor(shape: [2 * n, c])
        stacked.data.update(from: average.data, count: n * c)
        (stacked.data + n * c).update(from: maximum.data, count: n * c)
        let h = Elementwise.relu(first.forward(stacked, mode))
        let o = second.forward(h, mode)
        let sum = Tensor(shape: [n, c])
        for i in 0..<(n * c) { sum.data[i] = o.data[i] + o.data[n * c + i] }
        let mc = Elementwise.sigmoid(sum)
        gate = mc
        if mode.keepsActivations { hidden = h; maximumAt = argmax }
        return mc
    }

    /// Gradients for the average- and the max-pooled vectors, from ∂L/∂Mc.
    public func backward(_ dGate: Tensor) -> (average: Tensor, maximum: Tensor) {
        let (n, c) = (dGate.shape[0], dGate.shape[1])
        let dSum = Elementwise.sigmoidBackward(dGate, output: gate!)
        let dO = Tensor(shape: [2 * n, c])
        dO.data.update(from: dSum.data, count: n * c)
        (dO.data + n * c).update(from: dSum.data, count: n * c)
        let dStacked = first.backward(Elementwise.reluBackward(second.backward(dO), output: hidden!))
        let average = Tensor(shape: [n, c]), maximum = Tensor(shape: [n, c])
        average.data.update(from: dStacked.data, count: n * c)
        maximum.data.update(from: dStacked.data + n * c, count: n * c)
        return (average, maximum)
    }
}
