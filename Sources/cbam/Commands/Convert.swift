import ArgumentParser
import CBAMKit
import ImageCodecs

/// `cbam convert`: the user's way to see what the model will see.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode an image and write it as PNG, as the model would see it.",
        discussion: """
            INPUT may be PNG or JPEG (recognised by its content, not its name). The EXIF \
            orientation is applied and transparency is composited over white. With --size S \
            the whole image is resized to S x S, as the model's data loader does: the aspect \
            ratio is not kept and nothing is cropped (the filter is Pillow's BILINEAR, \
            antialiased when shrinking). With --channels 1 the image becomes grey (BT.601 luma), \
            with --channels 3 RGB.

            Examples:
              cbam convert photo.jpg seen.png --size 28 --channels 1
              cbam convert scan.png scan-rgb.png --channels 3
            """)

    @Argument(help: "The image to read (PNG or JPEG).")
    var input: String

    @Argument(help: "The PNG file to write (replaced atomically).")
    var output: String

    @Option(help: ArgumentHelp("Resize the whole image to S x S pixels (default: keep its size).", valueName: "S"))
    var size: Int?

    @Option(help: "Convert to 1 (grey) or 3 (RGB) channels; by default keep the decoded ones.")
    var channels: Int?

    @Option(help: "Refuse images with more pixels than this (a guard against decompression bombs).")
    var maxPixels: Int = DecodeOptions().maxPixels

    func validate() throws {
        if maxPixels < 1 { throw ValidationError("--max-pixels must be at least 1") }
        // The resized image is allocated whole: its pixels are bounded like a decoded image's.
        if let size, size < 1 || size > Int(Double(maxPixels).squareRoot()) {
            throw ValidationError("--size: \(size) is outside 1–\(Int(Double(maxPixels).squareRoot())) (S×S must not exceed --max-pixels \(maxPixels))")
        }
        if let channels, channels != 1 && channels != 3 { throw ValidationError("--channels must be 1 or 3") }
    }

    func run() throws {
        try OutputFiles.refuseOverwritingInput(output: output, input: input)
        var image = try Image(contentsOf: input, options: DecodeOptions(maxPixels: maxPixels))
        if let channels { image = image.converted(toChannels: channels) }
        if let size { image = image.resized(width: size, height: size) }
        try image.writePNG(to: output)
    }
}
