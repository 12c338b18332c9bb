/// The shape a ResNet configuration implies: its stem and, per stage, how many blocks
/// of which design, how wide and with which stride. `ResNet` builds from it and
/// `ModelConfiguration+Size` counts from it, so the two cannot drift apart.
///
///     resnet-small:  conv3×3 · BN · ReLU;                                  3 stages of `depth` basic blocks, w, 2w, 4w
///     resnet18/34:   conv7×7/2 · BN · ReLU · maxpool3×3/2;                 4 stages of [2,2,2,2] / [3,4,6,3] basic blocks, w … 8w
///     resnet50/101:  the same stem;                                        4 stages of [3,4,6,3] / [3,4,23,3] bottlenecks, 4w … 32w
///
/// Every stage after the first starts with stride 2; the head is global average
/// pooling and a Linear from the last stage's channels.
struct ResNetLayout {
    struct Stage {
        var planes, blocks, stride: Int
    }

    /// The stem convolution (C → w, no bias), padding kernel / 2.
    var stemKernel, stemStride: Int
    /// The official ResNets' 3×3, stride 2, padding 1 max-pool after the stem; nil for resnet-small.
    var stemPool: MaxPooling.Window?
    var design: ResidualBlock.Design
    var stages: [Stage]

    /// Channels into the head.
    var features: Int { stages.last!.planes * design.expansion }

    init(_ configuration: ModelConfiguration) {
        let w = configuration.width
        func stages(_ blocks: [Int]) -> [Stage] {
            blocks.enumerated().map { k, count in Stage(planes: w << k, blocks: count, stride: k == 0 ? 1 : 2) }
        }
        switch configuration.architecture {
        case .resnetSmall:
            (stemKernel, stemStride, stemPool, design) = (3, 1, nil, .basic)
            self.stages = stages(Array(repeating: configuration.depth, count: 3))
        case .resnet18, .resnet34, .resnet50, .resnet101:
            (stemKernel, stemStride) = (7, 2)
            stemPool = MaxPooling.Window(kernel: 3, stride: 2, padding: 1)
            switch configuration.architecture {
            case .resnet18: (design, self.stages) = (.basic, stages([2, 2, 2, 2]))
            case .resnet34: (design, self.stages) = (.basic, stages([3, 4, 6, 3]))
            case .resnet50: (design, self.stages) = (.bottleneck, stages([3, 4, 6, 3]))
            default: (design, self.stages) = (.bottleneck, stages([3, 4, 23, 3]))
            }
        case .vitTiny:
            preconditionFailure("the ViT is not a ResNet")
        }
    }
}
