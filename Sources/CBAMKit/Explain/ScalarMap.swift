import ImageCodecs

/// One float per pixel, rows top to bottom: an attention or saliency map.
public struct ScalarMap: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(width > 0 && height > 0 && values.count == width * height, "\(values.count) values for \(width)×\(height)")
        self.width = width
        self.height = height
        self.values = values
    }

    /// Plane `plane` of a plain [N, P, H, W] tensor, or of [N, H, W] with `plane` 0.
    public init(_ tensor: Tensor, image: Int, plane: Int = 0) {
        precondition(tensor.layout == .plain && tensor.shape.count >= 3, "a plain [N, (P,) H, W] tensor")
        let (height, width) = (tensor.shape[tensor.shape.count - 2], tensor.shape[tensor.shape.count - 1])
        let planes = tensor.shape.count == 4 ? tensor.shape[1] : 1
        let start = (image * planes + plane) * width * height
        self.init(width: width, height: height, values: tensor.scalars(start..<start + width * height))
    }

    public subscript(x: Int, y: Int) -> Float { values[y * width + x] }

    /// Bilinear resize with pixel centres aligned, as PyTorch's `interpolate(mode="bilinear",
    /// align_corners=False)` and OpenCV's `resize` do (no antialiasing: these maps are only
    /// ever enlarged). Every output lies between the input's minimum and maximum.
    public func resized(width newWidth: Int, height newHeight: Int) -> ScalarMap {
        precondition(newWidth > 0 && newHeight > 0, "resizing to an empty map")
        if newWidth == width && newHeight == height { return self }
        // For each output coordinate: the two input samples around it and the second one's weight.
        func taps(_ output: Int, _ input: Int) -> [(Int, Int, Float)] {
            let scale = Float(input) / Float(output)
            return (0..<output).map { o in
                let source = max((Float(o) + 0.5) * scale - 0.5, 0)
                let low = min(Int(source), input - 1)
                return (low, min(low + 1, input - 1), source - Float(low))
            }
        }
        let columns = taps(newWidth, width), rows = taps(newHeight, height)
        var out = [Float](repeating: 0, count: newWidth * newHeight)
        for (y, (top, bottom, ty)) in rows.enumerated() {
            for (x, (left, right, tx)) in columns.enumerated() {
                let upper = self[left, top] + (self[right, top] - self[left, top]) * tx
                let lower = self[left, bottom] + (self[right, bottom] - self[left, bottom]) * tx
                out[y * newWidth + x] = upper + (lower - upper) * ty
            }
        }
        return ScalarMap(width: newWidth, height: newHeight, values: out)
    }

    /// Divided by its largest value, so that the strongest evidence is 1; a map with
    /// nothing above 0 becomes all zeros. (For maps that are ≥ 0, as Grad-CAM's are.)
    public func scaledToMaximum() -> ScalarMap {
        let top = values.max() ?? 0
        return ScalarMap(width: width, height: height, values: top > 0 ? values.map { max($0, 0) / top } : values.map { _ in 0 })
    }

    /// Stretched so that its smallest value is 0 and its largest 1 (min–max), to show the
    /// contrast of a map whose values lie close together; a constant map becomes all zeros.
    public func normalisedMinMax() -> ScalarMap {
        let (low, high) = (values.min() ?? 0, values.max() ?? 0)
        return ScalarMap(width: width, height: height, values: high > low ? values.map { ($0 - low) / (high - low) } : values.map { _ in 0 })
    }

    /// The map as 8-bit grey: 0 → 0, 1 → 255, clamped outside 0…1.
    public func greyImage() -> Image {
        Image(width: width, height: height, channels: 1, pixels: values.map { UInt8((min(max($0, 0), 1) * 255).rounded()) })
    }
}
