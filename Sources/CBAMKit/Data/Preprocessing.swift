import ImageCodecs

/// How an image becomes a network input, the same in training and in use: converted
/// to C channels, made S×S by the transform (`ImageTransform`: the whole image resized,
/// or a photo's shorter side resized and the centre cropped; bilinear, antialiased when
/// shrinking), then each channel normalised as (value/255 − mean) / std.
public struct Preprocessing: Sendable, Equatable {
    public var channels: Int
    public var imageSize: Int
    public var mean: [Float]
    public var std: [Float]
    public var transform: ImageTransform

    public init(channels: Int, imageSize: Int, mean: [Float], std: [Float], transform: ImageTransform = .fitWhole) {
        precondition(mean.count == channels && std.count == channels, "one mean and one std per channel")
        self.channels = channels
        self.imageSize = imageSize
        self.mean = mean
        self.std = std
        self.transform = transform
    }

    /// The 8-bit S×S image with C channels that the network sees (before normalising).
    public func fitted(_ image: Image) -> Image {
        transform.fitted(image, channels: channels, imageSize: imageSize)
    }

    /// The part of `image` the network's input shows (`ImageTransform.visibleRegion`): the
    /// image itself for `fitWhole`, a photo's centre crop at the image's own resolution.
    public func visiblePart(of image: Image) -> Image {
        let box = transform.visibleRegion(width: image.width, height: image.height, imageSize: imageSize)
        return box == PixelBox(x: 0, y: 0, width: image.width, height: image.height)
            ? image : image.cropped(x: box.x, y: box.y, width: box.width, height: box.height)
    }

    /// The whole image resized to S×S (`ImageTransform.fitWhole`).
    public static func fit(_ image: Image, channels: Int, imageSize: Int) -> Image {
        ImageTransform.fitWhole.fitted(image, channels: channels, imageSize: imageSize)
    }

    /// Writes a fitted image, normalised, as C×S×S floats at `destination`.
    public func writeNormalized(_ fitted: Image, into destination: UnsafeMutablePointer<Float>) {
        precondition(fitted.width == imageSize && fitted.height == imageSize && fitted.channels == channels,
                     "the image must be fitted first")
        fitted.writeCHW(into: destination, mean: mean, std: std)
    }

    /// A batch [N, C, S, S] of images (fitted here if they are not already).
    public func batch(_ images: [Image]) -> Tensor {
        let tensor = Tensor(shape: [images.count, channels, imageSize, imageSize])
        let stride = channels * imageSize * imageSize
        for (i, image) in images.enumerated() {
            writeNormalized(fitted(image), into: tensor.data + i * stride)
        }
        return tensor
    }
}
