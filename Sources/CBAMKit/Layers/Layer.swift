/// A module whose backward pass is written by hand: the contract every layer,
/// module and network in CBAMKit meets.
///
///     let y = layer.forward(x, .training)   // keeps what backward needs
///     let dx = layer.backward(dy)           // dy = ∂L/∂y; fills each parameter's gradient
///
/// Most layers map one tensor to one tensor. One with two inputs (a residual
/// ending: features and shortcut) or two input gradients (CBAM's channel gate:
/// its average- and max-pooled vectors) names them in its associated types.
/// Fused variants (a Linear that adds into a residual stream, a convolution with
/// its BatchNorm folded in) are overloads beside these two.
public protocol Layer: Module {
    associatedtype Input = Tensor
    associatedtype Output = Tensor
    associatedtype InputGradient = Input

    /// The layer's output; keeps what `backward` needs when `mode.keepsActivations`.
    func forward(_ input: Input, _ mode: Mode) -> Output

    /// ∂L/∂input from ∂L/∂output, for the last forward that kept its activations.
    /// Overwrites each parameter's `gradient` with ∂L/∂parameter.
    func backward(_ outputGradient: Output) -> InputGradient
}
