import ImageCodecs

/// How far an image is from those a model was trained on, when it is far enough that the
/// model's answer may mean little: a colour photo given to a grey model, or an image many
/// times larger or smaller than the model's input (a 400 px photo into a 28 px garment
/// model). A model names one of its classes whatever it is shown; this says when to doubt it.
public struct InputMismatch: Equatable, Sendable {
    /// What differs, e.g. ["in colour", "400×300"].
    public let differences: [String]

    /// An image more than this many times the input side (fit-whole models) is far from it…
    public static let largerFactor = 4
    /// …and so is one whose shorter side is less than half of it (any model).
    public static let smallerFactor = 2

    /// nil when `image` is like the model's training images.
    public init?(_ image: Image, model metadata: ModelMetadata) {
        let side = metadata.configuration.imageSize
        var differences: [String] = []
        if metadata.configuration.channels == 1 && Self.isColourful(image) { differences.append("in colour") }
        let (short, long) = (min(image.width, image.height), max(image.width, image.height))
        let tooLarge = metadata.transform == .fitWhole && long > Self.largerFactor * side
        if tooLarge || short * Self.smallerFactor < side { differences.append("\(image.width)×\(image.height)") }
        guard !differences.isEmpty else { return nil }
        self.differences = differences
    }

    /// The warning: "photo.jpg is 400×300 and in colour; fashion-mnist-cbam.safetensors was
    /// trained on grey 28×28 images of 10 classes (T-shirt/top, Trouser, …), so its answer may mean little".
    public func message(file: String, modelName: String, model metadata: ModelMetadata) -> String {
        let c = metadata.configuration
        let names = metadata.classNames.prefix(4).joined(separator: ", ") + (metadata.classNames.count > 4 ? ", …" : "")
        return "\(file) is \(differences.joined(separator: " and ")); \(modelName) was trained on "
            + "\(c.channels == 1 ? "grey" : "colour") \(c.imageSize)×\(c.imageSize) images of \(counted(metadata.classNames.count, "class")) "
            + "(\(names)), so its answer may mean little (cbam info \(modelName) says more)"
    }

    /// Whether more than 2 % of the pixels have channels that differ by more than 24 of
    /// 255: a colour photo, not a grey image stored as RGB (or a JPEG's faint chroma noise).
    static func isColourful(_ image: Image) -> Bool {
        guard image.channels >= 3, image.width * image.height > 0 else { return false }
        let pixels = image.pixels, stride = image.channels, count = image.width * image.height
        var coloured = 0
        for i in 0..<count {
            let (r, g, b) = (Int(pixels[stride * i]), Int(pixels[stride * i + 1]), Int(pixels[stride * i + 2]))
            if max(abs(r - g), abs(g - b), abs(r - b)) > 24 { coloured += 1 }
        }
        return coloured * 50 > count
    }
}
