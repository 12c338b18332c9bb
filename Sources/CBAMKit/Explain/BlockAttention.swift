/// One CBAM block's attention for a batch, read after a forward pass: the spatial map Ms
/// (at the block's own resolution) and the channel vector Mc of every image.
public struct BlockAttention {
    /// The block's `state_dict` name: "layer1.0", "layer3.0", …
    public let block: String
    /// Ms per image, values in (0, 1).
    public let spatial: [ScalarMap]
    /// Mc per image, one value in (0, 1) per channel of the block.
    public let channel: [[Float]]

    /// The CBAM blocks of `network`, in order (none for a network without CBAM).
    public static func cbamBlocks(of network: ImageClassifier) -> [(key: String, attention: any ResidualAttention)] {
        network.attentionBlocks.filter { $0.attention.kind == .cbam }
    }

    /// Every CBAM block's maps from the network's last forward pass.
    public static func read(from network: ImageClassifier) -> [BlockAttention] {
        cbamBlocks(of: network).map { key, attention in
            guard let ms = attention.spatialAttention, let mc = attention.channelAttention else {
                preconditionFailure("\(key): no attention maps; run a forward pass first")
            }
            let n = mc.shape[0]
            return BlockAttention(block: key, spatial: (0..<n).map { ScalarMap(ms, image: $0) },
                                  channel: (0..<n).map { mc.row($0) })
        }
    }
}
