extension Image {
    /// The image with a border `by` pixels wide on every side, every
    /// sample of the border set to `value`.
    public func padded(by border: Int, value: UInt8 = 0) -> Image {
        precondition(border >= 0, "negative padding")
        var padded = Image(width: width + 2 * border, height: height + 2 * border, channels: channels, value: value)
        let offset = (border * padded.width + border) * channels
        let paddedRowLength = padded.rowLength
        pixels.withUnsafeBufferPointer { input in
            padded.pixels.withUnsafeMutableBufferPointer { output in
                for row in 0..<height {
                    (output.baseAddress! + offset + row * paddedRowLength)
                        .update(from: input.baseAddress! + row * rowLength, count: rowLength)
                }
            }
        }
        return padded
    }
}
