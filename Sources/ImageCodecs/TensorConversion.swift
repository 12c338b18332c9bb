extension Image {
    /// Writes the image as Float32 planes, one per channel (C x H x W, the
    /// layout of a network's input), each sample scaled to 0...1 and then
    /// normalised per channel: (value / 255 - mean[c]) / std[c], computed as
    /// one multiply-add (equal up to Float rounding).
    /// `destination` must have room for channels * height * width floats.
    public func writeCHW(into destination: UnsafeMutablePointer<Float>, mean: [Float], std: [Float]) {
        precondition(mean.count == channels && std.count == channels, "one mean and one std per channel")
        let planeSize = width * height
        let channels = self.channels
        pixels.withUnsafeBufferPointer { input in
            for c in 0..<channels {
                let scale = 1 / (255 * std[c])
                let offset = -mean[c] / std[c]
                let plane = destination + c * planeSize
                let samples = input.baseAddress! + c
                for i in 0..<planeSize { plane[i] = Float(samples[i * channels]) * scale + offset }
            }
        }
    }

    /// The C x H x W normalised floats of `writeCHW(into:mean:std:)` as an array.
    public func chw(mean: [Float], std: [Float]) -> [Float] {
        [Float](unsafeUninitializedCapacity: channels * width * height) { buffer, initialized in
            writeCHW(into: buffer.baseAddress!, mean: mean, std: std)
            initialized = buffer.count
        }
    }
}
