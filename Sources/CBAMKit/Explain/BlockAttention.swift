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
    public static func cbamBlocks(of network: ImageClassifier) -> [(key: String, cbam: CBAM)] {
        guard let resnet = network as? ResNetSmall else { return [] }
        return resnet.blocks.compactMap { key, block in (block.attention as? CBAM).map { (key, $0) } }
    }

    /// Every CBAM block's maps from the network's last forward pass.
    public static func read(from network: ImageClassifier) -> [BlockAttention] {
        cbamBlocks(of: network).map { key, cbam in
            guard let ms = cbam.spatialAttention, let mc = cbam.channelAttention else {
                preconditionFailure("\(key): no attention maps; run a forward pass first")
            }
            let (n, c) = (mc.shape[0], mc.shape[1])
            return BlockAttention(block: key, spatial: (0..<n).map { ScalarMap(ms, image: $0) },
                                  channel: (0..<n).map { Array(UnsafeBufferPointer(start: mc.data + $0 * c, count: c)) })
        }
    }
}
