extension Image {
    /// The mirror image, left and right swapped.
    public func flippedHorizontally() -> Image {
        var flipped = Image(width: width, height: height, channels: channels)
        let channels = self.channels
        pixels.withUnsafeBufferPointer { input in
            flipped.pixels.withUnsafeMutableBufferPointer { output in
                for row in 0..<height {
                    let source = input.baseAddress! + row * rowLength
                    let target = output.baseAddress! + row * rowLength + (width - 1) * channels
                    for x in 0..<width {
                        for c in 0..<channels { target[c - x * channels] = source[x * channels + c] }
                    }
                }
            }
        }
        return flipped
    }
}
