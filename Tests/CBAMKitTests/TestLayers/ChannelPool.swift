@testable import CBAMKit

/// Per pixel, the maximum and the mean across channels: [N, C, H, W] blocked →
/// [N, 2, H, W] plain. CBAM's spatial-gate input (`CBAM` fuses it with the
/// channel gate); here alone, with its gradient through `GatedResidual.inputGradient`.
final class ChannelPool: Layer {
    private var input: Tensor?
    private var argmax: [Int32] = []

    func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let (pooled, argmax) = Pooling.overChannels(x)
        if mode.keepsActivations { input = x; self.argmax = argmax }
        return pooled
    }

    /// The maximum's gradient to the winning channel, the mean's spread over all C.
    func backward(_ dy: Tensor) -> Tensor {
        let x = input!
        let gradient = ChannelPoolGradient(pooled: dy, argmax: argmax)
        return GatedResidual.inputGradient(Tensor.zeros(x.shape, layout: .blocked), channelScale: nil, spatialScale: nil,
                                           extra: gradient, average: nil, maximum: nil, argmax: [])
    }
}
