import XCTest
import CBAMKit

/// `ResNetSmall`'s `state_dict` keys in order, for each attention (PyTorchReferenceTests
/// compares its numbers with PyTorch), and what it shows explanations.
final class ResNetSmallTests: XCTestCase {
    private func model(_ attention: AttentionKind) -> ResNetSmall {
        ResNetSmall(ModelConfiguration(attention: attention, channels: 1, imageSize: 16, classes: 3, width: 4))
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

    func testExplanationHooks() {
        XCTAssertEqual(model(.cbam).attentionBlocks.map(\.key), ["layer1.0", "layer2.0", "layer3.0"])
        XCTAssertEqual(model(.se).attentionBlocks.map(\.attention.kind), [.se, .se, .se])
        XCTAssertTrue(model(.none).attentionBlocks.isEmpty)
        XCTAssertEqual(model(.none).gradCAMHook?.gradCAMLayer, "layer3")
        XCTAssertNil(model(.cbam).rolloutHook)
    }
}
