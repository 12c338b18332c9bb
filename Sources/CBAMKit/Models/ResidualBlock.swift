/// A ResNet block (He et al., arXiv:1512.03385) ending in attention, as the official
/// CBAM code builds it (`MODELS/model_resnet.py`):
///
///     basic:       F = bn2(conv3×3(relu(bn1(conv3×3_s(x)))))
///     bottleneck:  F = bn3(conv1×1(relu(bn2(conv3×3_s(relu(bn1(conv1×1(x))))))))   (4× expansion)
///     out = relu(attention(F) + shortcut(x))
///
/// The stride s sits on the 3×3. The shortcut is the input, or conv1×1(stride) · BN
/// (`downsample`) when the shape changes. In inference each BN is folded into the
/// convolution before it.
public final class ResidualBlock: Layer {
    public enum Design: String, Sendable {
        /// Two 3×3 convolutions (ResNet-18/34, resnet-small).
        case basic
        /// 1×1 · 3×3 · 1×1, the last widening by `expansion` (ResNet-50/101).
        case bottleneck

        /// Output channels per unit of width ("planes" in the official code).
        public var expansion: Int { self == .basic ? 1 : 4 }

        /// The branch's convolutions as (input, output, kernel, stride), in order.
        func convolutions(input: Int, planes: Int, stride: Int) -> [(input: Int, output: Int, kernel: Int, stride: Int)] {
            switch self {
            case .basic: return [(input, planes, 3, stride), (planes, planes, 3, 1)]
            case .bottleneck: return [(input, planes, 1, 1), (planes, planes, 3, stride), (planes, planes * expansion, 1, 1)]
            }
        }
    }

    public let design: Design
    /// conv1·bn1, conv2·bn2 (and conv3·bn3): every BN but the last with its ReLU fused.
    public let branch: [(conv: Conv2d, norm: BatchNorm2d)]
    public let downsample: (conv: Conv2d, norm: BatchNorm2d)?
    public let attention: any ResidualAttention
    let attentionKey: String

    /// A block from `inputChannels` to `planes · design.expansion` channels.
    public init(_ design: Design, _ inputChannels: Int, planes: Int, stride: Int, attention kind: AttentionKind, reduction: Int,
                generator: inout RandomGenerator) {
        self.design = design
        let shapes = design.convolutions(input: inputChannels, planes: planes, stride: stride)
        branch = shapes.enumerated().map { index, shape in
            (Conv2d(shape.input, shape.output, kernel: shape.kernel, stride: shape.stride, padding: shape.kernel / 2,
                    generator: &generator),
             BatchNorm2d(shape.output, fusedReLU: index < shapes.count - 1))
        }
        let channels = planes * design.expansion
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
        let convolutions = branch.enumerated().flatMap { index, pair -> [(key: String, module: Module)] in
            [("conv\(index + 1)", pair.conv), ("bn\(index + 1)", pair.norm)]
        }
        let shortcut: [(key: String, module: Module)] = downsample.map { [("downsample.0", $0.conv), ("downsample.1", $0.norm)] } ?? []
        return convolutions + shortcut + [(attentionKey, attention)]
    }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        if mode == .inference {  // BatchNorm folded into the convolutions
            let features = branch.reduce(x) { $1.conv.forward($0, foldingIn: $1.norm) }
            let shortcut = downsample.map { $0.conv.forward(x, foldingIn: $0.norm) } ?? x
            return attention.forward(features, shortcut: shortcut, mode)
        }
        let hidden = branch.dropLast().reduce(x) { $1.norm.forward($1.conv.forward($0, mode), mode) }
        let (conv, norm) = branch[branch.count - 1]
        // The attention's gate pools F over space: the BatchNorm that writes F does it on the way.
        let (features, pooled) = attention.poolsOverSpace ? norm.forwardPooling(conv.forward(hidden, mode), mode)
                                                          : (norm.forward(conv.forward(hidden, mode), mode), nil)
        let shortcut = downsample.map { $0.norm.forward($0.conv.forward(x, mode), mode) } ?? x
        return attention.forward((features, shortcut), pooled: pooled, mode)
    }

    /// ∂x = branch-backward(∂F) + shortcut-backward(∂shortcut), where the attention's
    /// backward gives ∂F and ∂shortcut; fills every parameter's gradient.
    public func backward(_ dy: Tensor) -> Tensor { backward(SplitGradient(dy)).total }

    /// The same with both gradients held as their two summands, the branch's and the
    /// shortcut's: the block before adds ∂x's in the pass that masks it (`SplitGradient`).
    public func backward(_ dy: SplitGradient) -> SplitGradient {
        let (dFeatures, dShortcut) = attention.backward(dy)
        let dx = branch.reversed().reduce(dFeatures) { $1.conv.backward($1.norm.backward($0)) }
        let dxShortcut = downsample.map { $0.conv.backward($0.norm.backward(dShortcut)) } ?? dShortcut
        return SplitGradient(dx, dxShortcut)
    }
}
