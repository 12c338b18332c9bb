/// The JSON that `cbam attention` writes beside each image's maps: the prediction, every
/// CBAM block's channel attention Mc, and which file holds which map.
public struct AttentionReport: Codable, Equatable {
    public struct Prediction: Codable, Equatable {
        public var label: String
        public var index: Int
        public var probability: Float
    }

    public struct Block: Codable, Equatable {
        public var block: String
        /// Mc, one value in (0, 1) per channel.
        public var channelAttention: [Float]
    }

    public struct Map: Codable, Equatable {
        public var method: ExplanationMethod
        public var layer: String
        /// The class a class-specific map (Grad-CAM) explains.
        public var explainedLabel: String?
        /// File names, relative to the report's folder.
        public var mask: String
        public var heatMap: String
    }

    public var image: String
    public var width: Int
    public var height: Int
    public var model: String
    public var predicted: Prediction
    public var labels: [String]
    public var probabilities: [Float]
    public var blocks: [Block]
    public var maps: [Map]
    public var overview: String
}
