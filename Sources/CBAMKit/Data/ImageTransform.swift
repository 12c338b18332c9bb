import Foundation
import ImageCodecs

/// How an image of any size becomes the S×S input (DESIGN.md, "Photo transforms").
///
/// - `fitWhole`: the whole image resized to S×S; training crops from it padded by
///   `Augmentation.padding` and flips (the small-image recipe, CIFAR's).
/// - `photo`: torchvision's ImageNet recipe. Evaluation and classification resize the
///   shorter side to round(S/0.875) (Pillow's bilinear, antialiased) and take the centre
///   S×S crop (`Resize(round(S/0.875))` + `CenterCrop(S)`); training takes a
///   random-resized crop resized to S×S, a flip and an optional colour jitter.
///
/// Stored in the model file (`ModelMetadata.transform`) and in `TrainingOptions`, so
/// classification prepares images exactly as training did.
public enum ImageTransform: String, Sendable, Codable, CaseIterable {
    case fitWhole = "fit-whole"
    case photo

    /// Image sizes up to this are small images; larger ones are photos.
    public static let largestSmallImage = 48

    /// The one place the default is decided: photos above 48 pixels, small images below.
    public static func `default`(imageSize: Int) -> ImageTransform {
        imageSize > largestSmallImage ? .photo : .fitWhole
    }

    /// In words, for `cbam info` and an export's metadata: "the whole image resized to
    /// 28×28 (bilinear, antialiased)", or the photo's resize and centre crop.
    public func summary(imageSize: Int) -> String {
        switch self {
        case .fitWhole:
            return "the whole image resized to \(imageSize)×\(imageSize) (bilinear, antialiased)"
        case .photo:
            return "the shorter side resized to \(Self.resizedShorterSide(imageSize: imageSize)) (bilinear, antialiased), "
                + "then the centre \(imageSize)×\(imageSize) crop"
        }
    }

    /// The shorter side a photo is resized to before the centre crop: round(S/0.875).
    public static func resizedShorterSide(imageSize: Int) -> Int {
        Int((Double(imageSize) / 0.875).rounded(.toNearestOrEven))
    }

    /// The image as `ImageSet` keeps it: `fitWhole` S×S; `photo` with its shorter side
    /// round(S/0.875) and its aspect kept (torchvision's `Resize(int)`: the longer side
    /// is truncated, int(R·long/short)), from which both the centre crop and the
    /// random-resized crop are taken. C channels either way.
    public func stored(_ image: Image, channels: Int, imageSize: Int) -> Image {
        let converted = image.channels == channels ? image : image.converted(toChannels: channels)
        switch self {
        case .fitWhole:
            return converted.width == imageSize && converted.height == imageSize
                ? converted : converted.resized(width: imageSize, height: imageSize)
        case .photo:
            let short = Self.resizedShorterSide(imageSize: imageSize)
            let (width, height) = Self.shorterSide(of: converted.width, converted.height, resizedTo: short)
            return converted.width == width && converted.height == height
                ? converted : converted.resized(width: width, height: height)
        }
    }

    /// The S×S input of evaluation and classification (before normalising).
    public func fitted(_ image: Image, channels: Int, imageSize: Int) -> Image {
        let stored = stored(image, channels: channels, imageSize: imageSize)
        switch self {
        case .fitWhole: return stored
        case .photo: return Self.centreCrop(stored, size: imageSize)
        }
    }

    /// The rectangle of a `width`×`height` image that the S×S input shows, in the image's
    /// own pixels: all of it for `fitWhole`, the centre crop's source for `photo`. Maps
    /// of the input (attention, Grad-CAM) belong over this part of the image.
    public func visibleRegion(width: Int, height: Int, imageSize: Int) -> PixelBox {
        let whole = PixelBox(x: 0, y: 0, width: width, height: height)
        guard self == .photo, width > 0, height > 0 else { return whole }
        let (w, h) = Self.shorterSide(of: width, height, resizedTo: Self.resizedShorterSide(imageSize: imageSize))
        guard w >= imageSize && h >= imageSize else { return whole }
        func span(_ stored: Int, _ original: Int) -> (Int, Int) {
            let offset = Int((Double(stored - imageSize) / 2).rounded(.toNearestOrEven))
            let scale = Double(original) / Double(stored)
            let start = min(max(Int((Double(offset) * scale).rounded()), 0), original - 1)
            let end = min(max(Int((Double(offset + imageSize) * scale).rounded()), start + 1), original)
            return (start, end - start)
        }
        let (x, visibleWidth) = span(w, width), (y, visibleHeight) = span(h, height)
        return PixelBox(x: x, y: y, width: visibleWidth, height: visibleHeight)
    }

    /// torchvision's `Resize(short)` size: the shorter side `short`, the longer int(short·long/shorter).
    static func shorterSide(of width: Int, _ height: Int, resizedTo short: Int) -> (width: Int, height: Int) {
        if width <= height {
            return (short, max(1, Int(Double(short) * Double(height) / Double(width))))
        }
        return (max(1, Int(Double(short) * Double(width) / Double(height))), short)
    }

    /// torchvision's `CenterCrop(size)`: offsets round((side − size)/2) (Python's round,
    /// half to even). An image smaller than S is first enlarged so it covers S×S (torchvision
    /// pads with black instead; a photo resized to round(S/0.875) is never smaller).
    static func centreCrop(_ image: Image, size: Int) -> Image {
        var image = image
        if image.width < size || image.height < size {
            image = image.resized(width: max(image.width, size), height: max(image.height, size))
        }
        func offset(_ side: Int) -> Int { Int((Double(side - size) / 2).rounded(.toNearestOrEven)) }
        return image.cropped(x: offset(image.width), y: offset(image.height), width: size, height: size)
    }
}

extension ImageTransform: CustomStringConvertible {
    public var description: String { rawValue }
}
