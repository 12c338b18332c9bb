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
        /// The map's smallest and largest value at the image's size: the range the
        /// normalised files stretch to 0…1 (a spatial map near 0.5 everywhere has little contrast).
        public var minimum: Float
        public var maximum: Float
        /// The min–max normalised files, with `--normalise`.
        public var normalisedMask: String?
        public var normalisedHeatMap: String?
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
