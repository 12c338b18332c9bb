import ArgumentParser
import ImageCodecs

/// `cbam convert INPUT OUTPUT.png`: decode any supported image and write it as PNG,
/// optionally as the model sees it (the whole image resized to S×S, 1 or 3 channels).
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a PNG or JPEG and write it as PNG, optionally as the model would see it.",
        discussion: """
        The format is read from the bytes. EXIF orientation is applied and alpha is composited over \
        white. --size resizes the whole image to S×S (antialiased when shrinking), as training and \
        classification do.
        """)

    @Argument(help: "A PNG or JPEG file.") var input: String
    @Argument(help: "The PNG file to write.") var output: String
    @Option(help: "Resize to S×S.") var size: Int?
    @Option(help: "Convert to 1 (grey, BT.601 luma) or 3 (RGB) channels.") var channels: Int?
    @Option(name: .customLong("max-pixels"), help: "Refuse images larger than this many pixels.") var maxPixels = 64_000_000

    func validate() throws {
        if let channels, channels != 1 && channels != 3 { throw ValidationError("--channels must be 1 or 3") }
        if let size, size < 1 { throw ValidationError("--size must be positive") }
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
    }

    func run() throws {
        var image = try Image(contentsOf: input, options: DecodeOptions(maxPixels: maxPixels))
        if let channels { image = image.converted(toChannels: channels) }
        if let size { image = image.resized(width: size, height: size) }
        try image.writePNG(to: output)
    }
}
