import XCTest
import CBAMKit

/// `ResNet`'s `state_dict` keys in order, for each attention and for the official
/// layouts (PyTorchReferenceTests and OfficialResNetReferenceTests compare its numbers
/// with PyTorch), and what it shows explanations.
final class ResNetTests: XCTestCase {
    private func model(_ attention: AttentionKind) -> ResNet {
        ResNet(ModelConfiguration(attention: attention, channels: 1, imageSize: 16, classes: 3, width: 4))
    }

    func testStateKeysInOrder() {
        let statistics = ["running_mean", "running_var", "num_batches_tracked"]
        let attention: [AttentionKind: (parameters: [String], buffers: [String])] = [
            .none: ([], []),
            .se: (["se.fc.0.weight", "se.fc.0.bias", "se.fc.2.weight", "se.fc.2.bias"], []),
            .cbam: (["cbam.ChannelGate.mlp.1.weight", "cbam.ChannelGate.mlp.1.bias", "cbam.ChannelGate.mlp.3.weight",
                     "cbam.ChannelGate.mlp.3.bias", "cbam.SpatialGate.spatial.conv.weight",
                     "cbam.SpatialGate.spatial.bn.weight", "cbam.SpatialGate.spatial.bn.bias"],
                    statistics.map { "cbam.SpatialGate.spatial.bn.\($0)" }),
        ]
        for kind in AttentionKind.allCases {
            var parameters = ["conv1.weight", "bn1.weight", "bn1.bias"], buffers = statistics.map { "bn1.\($0)" }
            for (block, downsample) in [("layer1.0", false), ("layer2.0", true), ("layer3.0", true)] {
                let shortcut = downsample ? ["downsample.0.weight", "downsample.1.weight", "downsample.1.bias"] : []
                parameters += (["conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias"]
                               + shortcut + attention[kind]!.parameters).map { "\(block).\($0)" }
                buffers += (statistics.map { "bn1.\($0)" } + statistics.map { "bn2.\($0)" }
                            + (downsample ? statistics.map { "downsample.1.\($0)" } : []) + attention[kind]!.buffers).map { "\(block).\($0)" }
            }
            let network = model(kind)
            XCTAssertEqual(network.parameters.map(\.key), parameters + ["fc.weight", "fc.bias"], "\(kind)")
            XCTAssertEqual(network.buffers.map(\.key), buffers, "\(kind)")
        }
    }

    /// The official layouts' blocks, shortcuts and head, as `_make_layer` builds them:
    /// a bottleneck network's first block downsamples too (w → 4w channels).
    func testOfficialLayouts() {
        let expected: [ModelConfiguration.Architecture: (blocks: [Int], firstDownsample: Bool, convolutions: Int, features: Int)] = [
            .resnet18: ([2, 2, 2, 2], false, 2, 8 * 4), .resnet34: ([3, 4, 6, 3], false, 2, 8 * 4),
            .resnet50: ([3, 4, 6, 3], true, 3, 32 * 4), .resnet101: ([3, 4, 23, 3], true, 3, 32 * 4),
        ]
        for (architecture, shape) in expected {
            let network = ResNet(ModelConfiguration(architecture: architecture, attention: .none, imageSize: 32, classes: 3, width: 4))
            XCTAssertEqual(network.stages.map(\.count), shape.blocks, "\(architecture)")
            XCTAssertEqual(network.stages.map { $0[0].downsample != nil }, [shape.firstDownsample, true, true, true], "\(architecture)")
            XCTAssertEqual(network.stages.flatMap { $0.dropFirst() }.filter { $0.downsample != nil }.count, 0, "\(architecture)")
            XCTAssertEqual(network.blocks[0].block.branch.count, shape.convolutions, "\(architecture)")
            XCTAssertEqual(network.fc.weight.shape, [3, shape.features], "\(architecture)")
            XCTAssertEqual([network.conv1.kernel, network.conv1.stride, network.conv1.padding], [7, 2, 3])
            XCTAssertEqual(network.maxpool.map { [$0.kernel, $0.stride, $0.padding] }, [3, 2, 1])
            XCTAssertEqual(network.forward(Tensor.zeros([2, 3, 32, 32]), .training).shape, [2, 3], "\(architecture)")
        }
        let keys = ResNet(ModelConfiguration(architecture: .resnet50, attention: .cbam, imageSize: 32, classes: 3, width: 4))
            .parameters.map(\.key).filter { $0.hasPrefix("layer1.0.") }
        XCTAssertEqual(Array(keys.prefix(11)), ["conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias",
                                                "conv3.weight", "bn3.weight", "bn3.bias", "downsample.0.weight", "downsample.1.weight"]
            .map { "layer1.0.\($0)" })
        XCTAssertEqual(keys.last, "layer1.0.cbam.SpatialGate.spatial.bn.bias")
    }

    func testExplanationHooks() {
        XCTAssertEqual(ResNet(ModelConfiguration(architecture: .resnet18, imageSize: 32, width: 4)).gradCAMHook?.gradCAMLayer, "layer4")
        XCTAssertEqual(model(.cbam).attentionBlocks.map(\.key), ["layer1.0", "layer2.0", "layer3.0"])
        XCTAssertEqual(model(.se).attentionBlocks.map(\.attention.kind), [.se, .se, .se])
        XCTAssertTrue(model(.none).attentionBlocks.isEmpty)
        XCTAssertEqual(model(.none).gradCAMHook?.gradCAMLayer, "layer3")
        XCTAssertNil(model(.cbam).rolloutHook)
    }
}
