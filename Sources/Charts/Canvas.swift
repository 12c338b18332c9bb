import ImageCodecs

/// An RGB raster to draw figures on; `image` hands it to ImageCodecs for `writePNG`.
///
/// Integer coordinates name pixels: (0, 0) is the top-left one. Drawing outside the
/// canvas is clipped, so layout code need not guard every call.
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    /// RGB triples, rows top to bottom.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: RGB = .white) {
        precondition(width > 0 && height > 0, "a canvas needs at least one pixel")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(background)
    }

    /// The drawing as an 8-bit RGB image.
    public var image: Image { Image(width: width, height: height, channels: 3, pixels: pixels) }

    public subscript(x: Int, y: Int) -> RGB {
        get {
            let i = (y * width + x) * 3
            return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let i = (y * width + x) * 3
            pixels[i] = newValue.red
            pixels[i + 1] = newValue.green
            pixels[i + 2] = newValue.blue
        }
    }

    /// Paints `colour` over pixel (x, y) with the given opacity (0…1).
    public mutating func blend(x: Int, y: Int, _ colour: RGB, opacity: Double) {
        guard x >= 0, y >= 0, x < width, y < height, opacity > 0 else { return }
        self[x, y] = opacity >= 1 ? colour : self[x, y].mixed(with: colour, amount: opacity)
    }

    public mutating func fill(_ colour: RGB) {
        fillRectangle(x: 0, y: 0, width: width, height: height, colour)
    }

    /// Fills the pixels x..<x+width, y..<y+height, blended at `opacity`.
    public mutating func fillRectangle(x: Int, y: Int, width w: Int, height h: Int, _ colour: RGB, opacity: Double = 1) {
        for row in max(y, 0)..<max(min(y + h, height), max(y, 0)) {
            for column in max(x, 0)..<max(min(x + w, width), max(x, 0)) {
                blend(x: column, y: row, colour, opacity: opacity)
            }
        }
    }

    /// A frame `thickness` pixels wide just inside the rectangle.
    public mutating func strokeRectangle(x: Int, y: Int, width w: Int, height h: Int, _ colour: RGB, thickness: Int = 1) {
        fillRectangle(x: x, y: y, width: w, height: thickness, colour)
        fillRectangle(x: x, y: y + h - thickness, width: w, height: thickness, colour)
        fillRectangle(x: x, y: y, width: thickness, height: h, colour)
        fillRectangle(x: x + w - thickness, y: y, width: thickness, height: h, colour)
    }

    /// An antialiased straight line between two points, `thickness` pixels wide with
    /// round ends. Points are continuous: pixel (i, j) covers [i, i+1) × [j, j+1), so
    /// (i + 0.5, j + 0.5) is its centre. Each pixel is covered by how far its centre
    /// lies inside the stroke, which keeps thin lines smooth at any slope.
    public mutating func drawLine(from start: (x: Double, y: Double), to end: (x: Double, y: Double),
                                  _ colour: RGB, thickness: Double = 1) {
        let half = thickness / 2
        let (dx, dy) = (end.x - start.x, end.y - start.y)
        let lengthSquared = dx * dx + dy * dy
        let left = Int((min(start.x, end.x) - half - 1).rounded(.down)), right = Int((max(start.x, end.x) + half + 1).rounded(.up))
        let top = Int((min(start.y, end.y) - half - 1).rounded(.down)), bottom = Int((max(start.y, end.y) + half + 1).rounded(.up))
        for y in max(top, 0)..<max(min(bottom, height), max(top, 0)) {
            for x in max(left, 0)..<max(min(right, width), max(left, 0)) {
                let (px, py) = (Double(x) + 0.5, Double(y) + 0.5)
                // The nearest point of the segment to the pixel centre.
                let t = lengthSquared > 0 ? min(max(((px - start.x) * dx + (py - start.y) * dy) / lengthSquared, 0), 1) : 0
                let (nx, ny) = (start.x + t * dx - px, start.y + t * dy - py)
                let distance = (nx * nx + ny * ny).squareRoot()
                blend(x: x, y: y, colour, opacity: min(max(half + 0.5 - distance, 0), 1))
            }
        }
    }

    /// Connected segments through `points`.
    public mutating func drawPolyline(_ points: [(x: Double, y: Double)], _ colour: RGB, thickness: Double = 1) {
        for (a, b) in zip(points, points.dropFirst()) { drawLine(from: a, to: b, colour, thickness: thickness) }
        if points.count == 1 { drawLine(from: points[0], to: points[0], colour, thickness: thickness) }
    }

    /// Draws `image` (any channel count; alpha composited over white) into the rectangle
    /// x..<x+width, y..<y+height. `smooth` resizes with ImageCodecs' bilinear filter
    /// (for photographs); otherwise each source pixel becomes a block (for small maps
    /// and low-resolution inputs, whose pixels should stay visible).
    public mutating func draw(_ image: Image, x: Int, y: Int, width w: Int, height h: Int, smooth: Bool = false) {
        guard w > 0, h > 0, image.width > 0, image.height > 0 else { return }
        var source = image.converted(toChannels: 3)
        if smooth { source = source.resized(width: w, height: h) }
        for row in 0..<h {
            let sourceRow = row * source.height / h
            for column in 0..<w {
                let i = (sourceRow * source.width + column * source.width / w) * 3
                self[x + column, y + row] = RGB(source.pixels[i], source.pixels[i + 1], source.pixels[i + 2])
            }
        }
    }
}
