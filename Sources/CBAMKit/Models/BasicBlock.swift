/// conv3×3 · BN · ReLU · conv3×3 · BN → attention → + shortcut → ReLU (DESIGN.md).
/// The shortcut is the input, or conv1×1(stride) · BN when the shape changes.
public final class BasicBlock: Module {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let downsample: (conv: Conv2d, norm: BatchNorm2d)?
    public let attention: ResidualAttention
    private let attentionKey: String

    public init(_ inputChannels: Int, _ channels: Int, stride: Int, attention kind: AttentionKind, reduction: Int,
                generator: inout RandomGenerator) {
        conv1 = Conv2d(inputChannels, channels, kernel: 3, stride: stride, padding: 1, generator: &generator)
        bn1 = BatchNorm2d(channels, fusedReLU: true)
        conv2 = Conv2d(channels, channels, kernel: 3, padding: 1, generator: &generator)
        bn2 = BatchNorm2d(channels)
        if stride != 1 || inputChannels != channels {
            downsample = (Conv2d(inputChannels, channels, kernel: 1, stride: stride, generator: &generator), BatchNorm2d(channels))
        } else {
            downsample = nil
        }
        (attentionKey, attention) = kind.make(channels: channels, reduction: reduction, generator: &generator)
    }

    public var parameters: [(key: String, parameter: Parameter)] {
        var p = scoped("conv1", conv1.parameters)
        p += scoped("bn1", bn1.parameters)
        p += scoped("conv2", conv2.parameters)
        p += scoped("bn2", bn2.parameters)
        if let downsample {
            p += scoped("downsample.0", downsample.conv.parameters)
            p += scoped("downsample.1", downsample.norm.parameters)
        }
        if !attentionKey.isEmpty { p += scoped(attentionKey, attention.parameters) }
        return p
    }

    public var buffers: [(key: String, tensor: Tensor)] {
        var b = scoped("bn1", bn1.buffers)
        b += scoped("bn2", bn2.buffers)
        if let downsample { b += scoped("downsample.1", downsample.norm.buffers) }
        let attentionBuffers: [(key: String, tensor: Tensor)] = attention.buffers
        if !attentionKey.isEmpty { b += scoped(attentionKey, attentionBuffers) }
        return b
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

    public func backward(_ dy: Tensor) -> Tensor {
        let (dFeatures, dShortcut) = attention.backward(dy)
        let dx = conv1.backward(bn1.backward(conv2.backward(bn2.backward(dFeatures))!))!
        let dxShortcut = downsample.map { $0.conv.backward($0.norm.backward(dShortcut))! } ?? dShortcut
        return Elementwise.add(dx, dxShortcut)
    }
}
