/// A convolutional layer Grad-CAM can explain (see `GradCAM`): its output A from the
/// last forward, and the gradient that the logits send back into it.
public protocol GradCAMHook: AnyObject {
    /// The layer's `state_dict` name ("layer3"), which names its maps.
    var gradCAMLayer: String { get }
    /// A from the last forward, blocked [N, C, h, w].
    var features: Tensor? { get }
    /// ∂L/∂A (blocked, shaped as A) from ∂L/∂logits, through the layers after A alone,
    /// after a forward that kept its activations.
    func featuresGradient(_ dLogits: Tensor) -> Tensor
}
