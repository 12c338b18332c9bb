/// Global pooling over H×W of a blocked activation, to a plain [N, C].
public final class GlobalPool {
    public enum Kind { case average, maximum }
    public let kind: Kind
    private var input: Tensor?
    private var argmax: [Int32] = []

    public init(_ kind: Kind) { self.kind = kind }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let (average, maximum, argmax) = Pooling.overSpace(x)
        if mode.keepsActivations { input = x; self.argmax = argmax }
        return kind == .average ? average : maximum
    }

    public func backward(_ dy: Tensor) -> Tensor {
        Pooling.overSpaceBackward(like: input!, average: kind == .average ? dy : nil,
                                  maximum: kind == .maximum ? dy : nil, argmax: argmax)
    }
}

/// Per pixel, the maximum and the mean across channels: [N, C, H, W] blocked →
/// [N, 2, H, W] plain (CBAM's spatial-gate input; `CBAM` fuses it with the channel gate).
public final class ChannelPool {
    private var input: Tensor?
    private var argmax: [Int32] = []
    public init() {}

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let (pooled, argmax) = Pooling.overChannels(x)
        if mode.keepsActivations { input = x; self.argmax = argmax }
        return pooled
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let x = input!
        let gradient = ChannelPoolGradient(pooled: dy, argmax: argmax)
        return GatedResidual.inputGradient(Tensor.zeros(x.shape, layout: .blocked), channelScale: nil, spatialScale: nil,
                                           extra: gradient, average: nil, maximum: nil, argmax: [])
    }
}
