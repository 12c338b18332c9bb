/// An 8-bit image held in memory.
///
/// `pixels` holds `channels` samples per pixel, interleaved, rows top to bottom
/// (height x width x channels, "HWC"): 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
public struct Image: Equatable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var channels: Int
    public internal(set) var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size")
        precondition((1...4).contains(channels), "an image has 1 to 4 channels")
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image of one value everywhere.
    public init(width: Int, height: Int, channels: Int, value: UInt8 = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: value, count: width * height * channels))
    }

    /// An empty image, to decode into (see `decode(_:name:options:)`).
    public init() {
        self.init(width: 0, height: 0, channels: 1, pixels: [])
    }

    /// Samples in one row.
    public var rowLength: Int { width * channels }

    /// Replaces the shape; `pixels` must already have the matching count.
    mutating func reshape(width: Int, height: Int, channels: Int) {
        assert(pixels.count == width * height * channels)
        self.width = width
        self.height = height
        self.channels = channels
    }
}
