import Charts
import ImageCodecs

extension ScalarMap {
    /// The map in `colourMap` (0…1), over `image` with the given opacity: the colour heat
    /// map of `cbam attention`. The map must already have the image's size; the image may
    /// have any channel count (grey and alpha images are made RGB first).
    public func heatOverlay(on image: Image, colourMap: ColourMap, opacity: Double) -> Image {
        precondition(image.width == width && image.height == height, "the map is \(width)×\(height), the image \(image.width)×\(image.height)")
        let base = image.converted(toChannels: 3)
        var pixels = base.pixels
        for i in 0..<(width * height) {
            let colour = colourMap.colour(at: Double(values[i]))
            let under = RGB(base.pixels[3 * i], base.pixels[3 * i + 1], base.pixels[3 * i + 2])
            let blended = under.mixed(with: colour, amount: opacity)
            (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]) = (blended.red, blended.green, blended.blue)
        }
        return Image(width: width, height: height, channels: 3, pixels: pixels)
    }
}
