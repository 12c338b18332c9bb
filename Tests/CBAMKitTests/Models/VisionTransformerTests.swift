import XCTest
import CBAMKit

/// A whole small `VisionTransformer` against finite differences, and its `state_dict`
/// keys in order (the order its initialisation draws in). ViTReferenceTests compares
/// it with PyTorch.
final class VisionTransformerTests: XCTestCase {
    var check = GradientCheck()

    private static let configuration = ModelConfiguration(architecture: .vitTiny, attention: .none, channels: 3, imageSize: 8, classes: 3,
                                                          width: 16, depth: 2, patchSize: 4, heads: 2, mlpRatio: 2)

    func testGradients() {
        let model = VisionTransformer(Self.configuration, seed: 3)
        check.perturb(model.parameters)
        check.check("vit", model, input: check.random([2, 3, 8, 8]))
    }

    func testStateKeysInOrder() {
        let block = ["norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
                     "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"]
        XCTAssertEqual(VisionTransformer(Self.configuration).state.map(\.key),
                       ["patch_embed.proj.weight", "patch_embed.proj.bias", "cls_token", "pos_embed"]
                           + block.map { "blocks.0.\($0)" } + block.map { "blocks.1.\($0)" }
                           + ["norm.weight", "norm.bias", "head.weight", "head.bias"])
    }
}
