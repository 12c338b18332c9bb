extension Image {
    /// The width x height rectangle whose top-left corner is at (x, y).
    public func cropped(x: Int, y: Int, width newWidth: Int, height newHeight: Int) -> Image {
        precondition(x >= 0 && y >= 0 && newWidth >= 0 && newHeight >= 0
                     && x + newWidth <= width && y + newHeight <= height, "crop outside the image")
        var cropped = Image(width: newWidth, height: newHeight, channels: channels)
        let length = newWidth * channels
        pixels.withUnsafeBufferPointer { input in
            cropped.pixels.withUnsafeMutableBufferPointer { output in
                for row in 0..<newHeight {
                    let source = input.baseAddress! + (y + row) * rowLength + x * channels
                    (output.baseAddress! + row * length).update(from: source, count: length)
                }
            }
        }
        return cropped
    }

    /// The centred width x height rectangle; when the margin is odd the
    /// extra pixel is on the right (bottom): the offset is rounded down.
    public func centerCropped(width newWidth: Int, height newHeight: Int) -> Image {
        cropped(x: (width - newWidth) / 2, y: (height - newHeight) / 2, width: newWidth, height: newHeight)
    }
}
