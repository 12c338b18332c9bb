import ImageCodecs

/// An axis-aligned rectangle of pixels: columns x..<x+width, rows y..<y+height.
/// Where a pattern or a garment is in its image.
public struct PixelBox: Equatable, Hashable, Sendable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The tight box of a grey image's pixels brighter than `threshold` (a garment on
    /// black); an empty box at (0, 0) when there are none.
    public init(around image: Image, brighterThan threshold: UInt8) {
        precondition(image.channels == 1, "a grey image")
        var (left, top, right, bottom) = (Int.max, Int.max, -1, -1)
        for (i, value) in image.pixels.enumerated() where value > threshold {
            let (px, py) = (i % image.width, i / image.width)
            (left, top, right, bottom) = (min(left, px), min(top, py), max(right, px), max(bottom, py))
        }
        self = right < 0 ? PixelBox(x: 0, y: 0, width: 0, height: 0)
            : PixelBox(x: left, y: top, width: right - left + 1, height: bottom - top + 1)
    }

    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public func contains(x px: Int, y py: Int) -> Bool { (x..<x + width).contains(px) && (y..<y + height).contains(py) }

    /// The same box with its corner moved by (dx, dy).
    public func offsetBy(x dx: Int, y dy: Int) -> PixelBox { PixelBox(x: x + dx, y: y + dy, width: width, height: height) }

    /// Whether the box lies inside a width × height image.
    public func fits(width imageWidth: Int, height imageHeight: Int) -> Bool {
        x >= 0 && y >= 0 && width >= 0 && height >= 0 && x + width <= imageWidth && y + height <= imageHeight
    }
}
