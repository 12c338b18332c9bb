import Foundation
import ImageCodecs

/// The photo recipe's training augmentation (`ImageTransform.photo`), torchvision's
/// `RandomResizedCrop(S, scale=(0.25, 1), ratio=(3/4, 4/3))` + `RandomHorizontalFlip()`
/// + an optional `ColorJitter(s, s, s)` applied in a fixed order: brightness, then
/// contrast, then saturation. The crop is drawn from the image as `ImageSet` stores it
/// (shorter side round(S/0.875)), not from the file's full resolution.
extension Augmentation {
    /// The crop's share of the image's area, and its aspect ratio (width/height), drawn log-uniformly.
    public static let photoScale = 0.25...1.0
    public static let photoRatio = (3.0 / 4)...(4.0 / 3)

    /// One random draw for a photo: the crop in the stored image, the flip, and the
    /// jitter's brightness, contrast and saturation factors (1: unchanged).
    public struct PhotoDraw: Equatable {
        public var crop: PixelBox
        public var flipped: Bool
        public var brightness: Float = 1
        public var contrast: Float = 1
        public var saturation: Float = 1

        public init(crop: PixelBox, flipped: Bool, brightness: Float = 1, contrast: Float = 1, saturation: Float = 1) {
            self.crop = crop
            self.flipped = flipped
            self.brightness = brightness
            self.contrast = contrast
            self.saturation = saturation
        }
    }

    /// torchvision's `RandomResizedCrop.get_params`: up to 10 tries of an area share
    /// uniform in `photoScale` and a log-uniform aspect ratio in `photoRatio`, the box
    /// sides rounded (half to even, as Python's `round`) and kept when they fit, at a
    /// uniform position; else the centre crop clamped to the ratio bounds.
    public static func randomResizedCrop(width: Int, height: Int, using generator: inout RandomGenerator) -> PixelBox {
        let area = Double(width * height)
        let logRatio = (log(photoRatio.lowerBound), log(photoRatio.upperBound))
        func uniform(_ low: Double, _ high: Double) -> Double {
            low + (high - low) * Double(generator.next() >> 11) * (1.0 / Double(1 << 53))
        }
        func integer(upTo bound: Int) -> Int { Int(generator.next() % UInt64(bound + 1)) }   // 0...bound
        for _ in 0..<10 {
            let targetArea = area * uniform(photoScale.lowerBound, photoScale.upperBound)
            let aspect = exp(uniform(logRatio.0, logRatio.1))
            let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if w > 0 && w <= width && h > 0 && h <= height {
                let y = integer(upTo: height - h), x = integer(upTo: width - w)
                return PixelBox(x: x, y: y, width: w, height: h)
            }
        }
        // The fallback: the central crop, as wide or as tall as the ratio bounds allow.
        let inRatio = Double(width) / Double(height)
        var (w, h) = (width, height)
        if inRatio < photoRatio.lowerBound {
            h = Int((Double(w) / photoRatio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > photoRatio.upperBound {
            w = Int((Double(h) * photoRatio.upperBound).rounded(.toNearestOrEven))
        }
        return PixelBox(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
    }

    /// The draw for a stored photo `width`×`height`: the crop, then the flip (when
    /// enabled), then the three jitter factors (when `colourJitter` > 0).
    public func photoDraw(width: Int, height: Int, using generator: inout RandomGenerator) -> PhotoDraw {
        let crop = Self.randomResizedCrop(width: width, height: height, using: &generator)
        var draw = PhotoDraw(crop: crop, flipped: flip && generator.next() & 1 == 1)
        if colourJitter > 0 {
            func factor() -> Float {
                let low = max(0, 1 - colourJitter), high = 1 + colourJitter
                return low + (high - low) * generator.nextUniform()
            }
            draw.brightness = factor()
            draw.contrast = factor()
            draw.saturation = factor()
        }
        return draw
    }

    /// The augmented S×S image (before normalising): the crop resized to S×S (Pillow's
    /// bilinear, antialiased), flipped, jittered.
    public static func photo(_ image: Image, _ draw: PhotoDraw, imageSize: Int) -> Image {
        let box = draw.crop
        var result = image.cropped(x: box.x, y: box.y, width: box.width, height: box.height)
            .resized(width: imageSize, height: imageSize)
        if draw.flipped { result = result.flippedHorizontally() }
        if draw.brightness != 1 || draw.contrast != 1 || draw.saturation != 1 {
            result = jittered(result, brightness: draw.brightness, contrast: draw.contrast, saturation: draw.saturation)
        }
        return result
    }

    /// Writes the augmented, normalised C×S×S floats of a stored photo.
    public func writePhoto(_ image: Image, _ draw: PhotoDraw, preprocessing: Preprocessing,
                           into destination: UnsafeMutablePointer<Float>) {
        Self.photo(image, draw, imageSize: preprocessing.imageSize)
            .writeCHW(into: destination, mean: preprocessing.mean, std: preprocessing.std)
    }

    /// Brightness, then contrast, then saturation, each a blend as torchvision's (and
    /// Pillow's `ImageEnhance`) and each rounded to 8 bits: brightness v·f; contrast
    /// m + f·(v − m), m the image's mean grey; saturation g + f·(v − g), g the pixel's
    /// grey (BT.601 luma; grey images have no saturation to change).
    public static func jittered(_ image: Image, brightness: Float, contrast: Float, saturation: Float) -> Image {
        let channels = image.channels, count = image.width * image.height
        var values = image.pixels.map(Float.init)
        func grey(_ p: Int) -> Float {
            channels >= 3 ? 0.299 * values[p * channels] + 0.587 * values[p * channels + 1] + 0.114 * values[p * channels + 2]
                          : values[p * channels]
        }
        func store(_ i: Int, _ value: Float) { values[i] = min(max(value.rounded(), 0), 255) }
        for i in values.indices { store(i, values[i] * brightness) }
        var mean: Float = 0
        for p in 0..<count { mean += grey(p) }
        mean = (mean / Float(max(count, 1))).rounded()
        for i in values.indices { store(i, mean + contrast * (values[i] - mean)) }
        if channels >= 3 {
            for p in 0..<count {
                let g = grey(p)
                for c in 0..<3 { store(p * channels + c, g + saturation * (values[p * channels + c] - g)) }
            }
        }
        return Image(width: image.width, height: image.height, channels: channels, pixels: values.map { UInt8($0) })
    }
}
