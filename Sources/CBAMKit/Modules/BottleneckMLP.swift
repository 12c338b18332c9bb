/// The bottleneck MLP that SE (Hu et al., arXiv:1709.01507) and CBAM's channel gate
/// (Woo et al., arXiv:1807.06521) apply to pooled channel descriptors:
///
///     y = W₂·relu(W₁·x + b₁) + b₂,   W₁: C → C/r,  W₂: C/r → C
///
/// on the rows of a plain [N, C] tensor, with hidden width max(C/r, 1) (DESIGN.md).
/// The Linears' keys are their places in the PyTorch `nn.Sequential` that holds
/// them, which differ: SE's `fc = Sequential(Linear, ReLU, Linear, Sigmoid)` puts
/// them at 0 and 2, CBAM's `mlp = Sequential(Flatten, Linear, ReLU, Linear)` at 1 and 3.
public final class BottleneckMLP: Layer {
    /// W₁, b₁: C → C/r.
    public let reduce: Linear
    /// W₂, b₂: C/r → C.
    public let expand: Linear
    let keys: (reduce: String, expand: String)
    private var hidden: Tensor?

    /// PyTorch's default Linear weights and zero biases (DESIGN.md).
    public init(channels: Int, reduction: Int, keys: (reduce: String, expand: String), generator: inout RandomGenerator) {
        let width = BottleneckMLP.hiddenWidth(channels: channels, reduction: reduction)
        reduce = Linear(channels, width, generator: &generator)
        expand = Linear(width, channels, generator: &generator)
        self.keys = keys
    }

    /// max(C / r, 1), the same for SE and CBAM.
    static func hiddenWidth(channels: Int, reduction: Int) -> Int { max(channels / reduction, 1) }

    public var children: [(key: String, module: Module)] { [(keys.reduce, reduce), (keys.expand, expand)] }

    /// [N, C] → [N, C].
    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        let h = Elementwise.relu(reduce.forward(x, mode))
        hidden = mode.keepsActivations ? h : nil
        return expand.forward(h, mode)
    }

    /// ∂x = W₁ᵀ·((W₂ᵀ·dy) ⊙ [h > 0]), h the hidden activation; fills both Linears' gradients.
    public func backward(_ dy: Tensor) -> Tensor {
        reduce.backward(Elementwise.reluBackward(expand.backward(dy), output: hidden!))
    }
}
