/// What a configuration costs, computed from its fields alone (no network is built):
/// the parameter count and memory that `validate()` bounds, and the FLOPs that
/// `cbam bench` reports. Tests check them against built networks.
extension ModelConfiguration {
    /// One convolution of the network: its channels, kernel and output side.
    struct ConvolutionShape {
        var input, output, kernel, outputSide: Int
        var bias = false
        var weights: Int { output * input * kernel * kernel }
        var multiplyAdds: Int { outputSide * outputSide * weights }
    }

    /// A ResNet block's convolutions, and the channels and side its attention sees.
    struct BlockShape {
        var convolutions: [ConvolutionShape]   // the branch's, then downsample's 1×1 when present
        var channels, side: Int
    }

    /// The ResNet's blocks in order (`ResNetLayout`), with the stem first as a block of
    /// one convolution (its side the stem's output, before any max-pool).
    var resnetBlocks: [BlockShape] {
        let layout = ResNetLayout(self)
        var side = (imageSize - 1) / layout.stemStride + 1
        var blocks = [BlockShape(convolutions: [ConvolutionShape(input: channels, output: width, kernel: layout.stemKernel,
                                                                 outputSide: side)], channels: width, side: side)]
        if let pool = layout.stemPool { side = pool.outputSide(side) }
        var input = width
        for stage in layout.stages {
            let channels = stage.planes * layout.design.expansion
            for index in 0..<stage.blocks {
                let stride = index == 0 ? stage.stride : 1
                var convolutions = layout.design.convolutions(input: input, planes: stage.planes, stride: stride).map {
                    side = (side - 1) / $0.stride + 1   // odd kernel k, padding k / 2
                    return ConvolutionShape(input: $0.input, output: $0.output, kernel: $0.kernel, outputSide: side)
                }
                if stride != 1 || input != channels {
                    convolutions.append(ConvolutionShape(input: input, output: channels, kernel: 1, outputSide: side))
                }
                blocks.append(BlockShape(convolutions: convolutions, channels: channels, side: side))
                input = channels
            }
        }
        return blocks
    }

    /// Trainable values: what `ImageClassifier.parameterCount` counts.
    public var parameterCount: Int {
        switch architecture {
        case .resnetSmall, .resnet18, .resnet34, .resnet50, .resnet101:
            var count = 0
            for (index, block) in resnetBlocks.enumerated() {
                // Every convolution is followed by a BatchNorm (γ, β).
                count += block.convolutions.reduce(0) { $0 + $1.weights + 2 * $1.output }
                guard index > 0 else { continue }
                count += attentionParameters(channels: block.channels)
            }
            return count + ResNetLayout(self).features * classes + classes
        case .vitTiny:
            let (d, hidden, tokens) = (width, mlpRatio * width, patches + 1)
            let embedding = channels * d * patchSize * patchSize + d + d + tokens * d
            let block = 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + (d * hidden + hidden) + (hidden * d + d)
            return embedding + depth * block + 2 * d + d * classes + classes
        }
    }

    private func attentionParameters(channels: Int) -> Int {
        let hidden = BottleneckMLP.hiddenWidth(channels: channels, reduction: reduction)
        let mlp = 2 * channels * hidden + hidden + channels
        switch attention {
        case .none: return 0
        case .se: return mlp
        case .cbam: return mlp + 2 * 7 * 7 + 2   // the spatial gate's 2→1 7×7 conv and its BatchNorm
        }
    }

    /// Values a model file holds: the parameters, and each BatchNorm's running mean,
    /// variance and batch count.
    public var stateCount: Int {
        switch architecture {
        case .resnetSmall, .resnet18, .resnet34, .resnet50, .resnet101:
            let normalisations = resnetBlocks.reduce(0) { $0 + $1.convolutions.reduce(0) { $0 + 2 * $1.output + 1 } }
            let spatialGates = attention == .cbam ? 3 * (resnetBlocks.count - 1) : 0
            return parameterCount + normalisations + spatialGates
        case .vitTiny:
            return parameterCount
        }
    }

    /// Multiply-adds × 2 of the convolutions and matrix products for one image. The ViT
    /// is counted as the standard model computes it (and as PyTorch's count does), though
    /// the last block here computes the class token's row alone.
    public var forwardFLOPsPerImage: Int {
        switch architecture {
        case .resnetSmall, .resnet18, .resnet34, .resnet50, .resnet101:
            var flops = convolutionFLOPsPerImage
            for (index, block) in resnetBlocks.enumerated() {
                guard index > 0 else { continue }
                let hidden = BottleneckMLP.hiddenWidth(channels: block.channels, reduction: reduction)
                switch attention {
                case .none: break
                case .se: flops += 2 * 2 * block.channels * hidden
                case .cbam:   // the MLP runs on the average- and the max-pooled vector
                    flops += 2 * 2 * 2 * block.channels * hidden + 2 * block.side * block.side * 2 * 7 * 7
                }
            }
            return flops + 2 * ResNetLayout(self).features * classes
        case .vitTiny:
            let (d, t, hidden) = (width, patches + 1, mlpRatio * width)
            let perBlock = 2 * t * d * (3 * d + d + 2 * hidden)   // qkv, proj, fc1, fc2
                + 2 * 2 * t * t * d                               // Q·Kᵀ and P·V over all heads
            return 2 * patches * channels * d * patchSize * patchSize + depth * perBlock + 2 * d * classes
        }
    }

    /// Multiply-adds × 2 of a ResNet's convolutions alone (the stem, the blocks', the
    /// shortcuts'; not the gates') for one image: what convolution throughput is quoted
    /// against. 0 for the ViT.
    public var convolutionFLOPsPerImage: Int {
        guard architecture.isResNet else { return 0 }
        return resnetBlocks.reduce(0) { sum, block in sum + 2 * block.convolutions.reduce(0) { $0 + $1.multiplyAdds } }
    }

    /// A generous estimate of the activation memory one image needs in training (what
    /// forward keeps for backward, the gradients and the blocked layout's padding to 16
    /// channels), in bytes. In Double: it bounds sizes that have not been checked yet.
    public var activationBytesPerImage: Double {
        func padded(_ channels: Int) -> Double { Double((channels + 15) / 16 * 16) }
        switch architecture {
        case .resnetSmall, .resnet18, .resnet34, .resnet50, .resnet101:
            // Each convolution's output, its BatchNorm's, the gated output and their gradients.
            let values = resnetBlocks.reduce(0.0) { sum, block in
                sum + block.convolutions.reduce(0.0) { $0 + 6 * padded($1.output) * Double($1.outputSide * $1.outputSide) }
            }
            return 4 * values
        case .vitTiny:
            let (t, d) = (Double(patches + 1), Double(width))
            // Per block: about a dozen [T, d]-sized streams (norms, q, k, v, MLP hidden at
            // mlpRatio·d, their gradients) and the attention scores, probabilities and
            // their gradients, h × T × T.
            let perBlock = (12 + 4 * Double(mlpRatio)) * t * d + 3 * Double(heads) * t * t
            return 4 * (Double(depth) * perBlock + 4 * t * d)
        }
    }
}
