/// x ⊙ scale, with a per-channel scale [N, C] or a per-pixel scale [N, 1, H, W]
/// broadcast over a blocked activation (how gates are applied).
public final class BroadcastMultiply {
    public enum Axis { case channels, pixels }
    public let axis: Axis
    private var input: Tensor?, scale: Tensor?
    public init(over axis: Axis) { self.axis = axis }

    public func forward(_ x: Tensor, scale: Tensor, _ mode: Mode) -> Tensor {
        if mode.keepsActivations { input = x; self.scale = scale }
        return axis == .channels ? GatedResidual.forward(x, channelScale: scale, relu: false)
                                 : GatedResidual.forward(x, spatialScale: scale, relu: false)
    }

    /// Gradients for x and for the scale.
    public func backward(_ dy: Tensor) -> (input: Tensor, scale: Tensor) {
        let (x, s) = (input!, scale!)
        if axis == .channels {
            return (GatedResidual.inputGradient(dy, channelScale: s, spatialScale: nil, extra: nil, average: nil, maximum: nil, argmax: []),
                    GatedResidual.channelScaleGradient(dy, x, spatialScale: nil, extra: nil))
        }
        return (GatedResidual.inputGradient(dy, channelScale: nil, spatialScale: s, extra: nil, average: nil, maximum: nil, argmax: []),
                GatedResidual.spatialScaleGradient(dy, x, channelScale: nil))
    }
}

/// a + b, optionally followed by ReLU: the residual connection.
public final class ResidualAdd {
    public let relu: Bool
    private var output: Tensor?
    public init(relu: Bool) { self.relu = relu }

    public func forward(_ a: Tensor, _ b: Tensor, _ mode: Mode) -> Tensor {
        let y = a.layout == .blocked ? GatedResidual.forward(a, shortcut: b, relu: relu)
                                     : (relu ? Elementwise.relu(Elementwise.add(a, b)) : Elementwise.add(a, b))
        output = mode.keepsActivations && relu ? y : nil
        return y
    }

    /// The same gradient reaches both inputs.
    public func backward(_ dy: Tensor) -> Tensor { relu ? GatedResidual.maskedGradient(dy, output: output!) : dy }
}

/// Inverted dropout: in training, zeroes each element with probability p and
/// scales the rest by 1/(1 − p); the identity otherwise.
public final class Dropout {
    public let probability: Float
    private var mask: Tensor?
    private var generator: RandomGenerator

    public init(probability: Float, seed: UInt64 = 0) {
        self.probability = probability
        generator = RandomGenerator(seed: seed)
    }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        guard mode.usesBatchStatistics, probability > 0 else { mask = nil; return x }
        let keep = 1 / (1 - probability)
        let m = Tensor(shape: x.shape, layout: x.layout)
        for i in 0..<m.storageCount { m.data[i] = generator.nextUniform() < probability ? 0 : keep }
        mask = m
        return Elementwise.multiply(x, m)
    }

    public func backward(_ dy: Tensor) -> Tensor { mask.map { Elementwise.multiply(dy, $0) } ?? dy }
}
