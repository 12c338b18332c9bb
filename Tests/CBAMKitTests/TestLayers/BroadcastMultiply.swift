@testable import CBAMKit

/// x ⊙ scale, with a per-channel scale [N, C] or a per-pixel scale [N, 1, H, W]
/// broadcast over a blocked activation: how gates are applied, through
/// `GatedResidual` without the shortcut and the ReLU.
final class BroadcastMultiply: Layer {
    typealias Input = (x: Tensor, scale: Tensor)
    enum Axis { case channels, pixels }
    let axis: Axis
    private var input: Tensor?, scale: Tensor?

    init(over axis: Axis) { self.axis = axis }

    func forward(_ input: Input, _ mode: Mode) -> Tensor {
        if mode.keepsActivations { self.input = input.x; scale = input.scale }
        return axis == .channels ? GatedResidual.forward(input.x, channelScale: input.scale, relu: false)
                                 : GatedResidual.forward(input.x, spatialScale: input.scale, relu: false)
    }

    /// ∂x = dy ⊙ scale; ∂scale = Σ dy·x over what the scale was broadcast over.
    func backward(_ dy: Tensor) -> Input {
        let (x, s) = (input!, scale!)
        if axis == .channels {
            return (GatedResidual.inputGradient(dy, channelScale: s, spatialScale: nil, extra: nil, average: nil, maximum: nil, argmax: []),
                    GatedResidual.channelScaleGradient(dy, x, spatialScale: nil, extra: nil))
        }
        return (GatedResidual.inputGradient(dy, channelScale: nil, spatialScale: s, extra: nil, average: nil, maximum: nil, argmax: []),
                GatedResidual.spatialScaleGradient(SplitGradient(dy), x, channelScale: nil).gradient)
    }
}
