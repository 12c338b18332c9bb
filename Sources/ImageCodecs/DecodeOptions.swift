/// How to decode.
public struct DecodeOptions: Sendable {
    /// Images with more pixels than this are refused right after their
    /// header is read, before any pixel memory is allocated: a guard against
    /// decompression bombs. 64 megapixels by default (a 8000 x 8000 photo).
    public var maxPixels: Int
    /// Keep the alpha channel (2 or 4 channels). When false, images with
    /// alpha are composited over a white background (255) and come out
    /// grey or RGB.
    public var keepAlpha: Bool

    public init(maxPixels: Int = 64_000_000, keepAlpha: Bool = false) {
        self.maxPixels = maxPixels
        self.keepAlpha = keepAlpha
    }
}
