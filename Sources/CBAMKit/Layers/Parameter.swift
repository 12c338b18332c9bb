/// A trainable tensor and its gradient. Both are plain (PyTorch) layout.
public final class Parameter {
    public var value: Tensor
    /// ∂loss/∂value from the last backward pass (overwritten by each backward).
    public var gradient: Tensor

    public init(_ value: Tensor) {
        precondition(value.layout == .plain)
        self.value = value
        gradient = Tensor.zeros(value.shape)
    }

    public var shape: [Int] { value.shape }
}
