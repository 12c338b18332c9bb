/// conv3×3 · BN · ReLU · conv3×3 · BN → attention → + shortcut → ReLU (DESIGN.md):
///
///     F = bn2(conv2(relu(bn1(conv1(x))))),   out = relu(attention(F) + shortcut(x))
///
/// The shortcut is the input, or conv1×1(stride) · BN when the shape changes. In
/// inference each BN is folded into the convolution before it.
public final class BasicBlock: Layer {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let downsample: (conv: Conv2d, norm: BatchNorm2d)?
    public let attention: any ResidualAttention
    private let attentionKey: String

    public init(_ inputChannels: Int, _ channels: Int, stride: Int, attention kind: AttentionKind, reduction: Int,
                generator: inout RandomGenerator) {
        conv1 = Conv2d(inputChannels, channels, kernel: 3, stride: stride, padding: 1, generator: &generator)
        bn1 = BatchNorm2d(channels, fusedReLU: true)
        conv2 = Conv2d(channels, channels, kernel: 3, padding: 1, generator: &generator)
        bn2 = BatchNorm2d(channels)
        if stride != 1 || inputChannels != channels {
            // No "conv" in its key (`downsample.0`), so the official init loop leaves PyTorch's default.
            downsample = (Conv2d(inputChannels, channels, kernel: 1, stride: stride, initialisation: .pytorchDefault,
                                 generator: &generator), BatchNorm2d(channels))
        } else {
            downsample = nil
        }
        (attentionKey, attention) = kind.make(channels: channels, reduction: reduction, generator: &generator)
    }

    public var children: [(key: String, module: Module)] {
        let shortcut: [(key: String, module: Module)] = downsample.map { [("downsample.0", $0.conv), ("downsample.1", $0.norm)] } ?? []
        return [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] + shortcut + [(attentionKey, attention)]
    }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        if mode == .inference {  // BatchNorm folded into the convolutions
            let features = conv2.forward(conv1.forward(x, foldingIn: bn1), foldingIn: bn2)
            let shortcut = downsample.map { $0.conv.forward(x, foldingIn: $0.norm) } ?? x
            return attention.forward(features, shortcut: shortcut, mode)
        }
        let features = bn2.forward(conv2.forward(bn1.forward(conv1.forward(x, mode), mode), mode), mode)
        let shortcut = downsample.map { $0.norm.forward($0.conv.forward(x, mode), mode) } ?? x
        return attention.forward(features, shortcut: shortcut, mode)
    }

    /// ∂x = (conv1·bn1·conv2·bn2)-backward(∂F) + shortcut-backward(∂shortcut), where the
    /// attention's backward gives ∂F and ∂shortcut; fills every parameter's gradient.
    public func backward(_ dy: Tensor) -> Tensor {
        let (dFeatures, dShortcut) = attention.backward(dy)
        let dx = conv1.backward(bn1.backward(conv2.backward(bn2.backward(dFeatures))))
        let dxShortcut = downsample.map { $0.conv.backward($0.norm.backward(dShortcut)) } ?? dShortcut
        return Elementwise.add(dx, dxShortcut)
    }
}
