extension Image {
    /// The image resized to width x height, each channel on its own.
    ///
    /// The filter is Pillow's `BILINEAR` (a triangle): when enlarging it
    /// interpolates bilinearly between pixel centres; when shrinking its
    /// support grows with the shrink factor, so every input pixel counts
    /// (antialiasing). Like Pillow it works in fixed point, rows first, then
    /// columns: the values are those of `PIL.Image.resize(size, BILINEAR)`
    /// (Pillow 12 and earlier; Pillow 13 sometimes does columns first and
    /// then differs by at most 1). Channels are independent: alpha is not
    /// premultiplied.
    public func resized(width newWidth: Int, height newHeight: Int) -> Image {
        precondition(newWidth > 0 && newHeight > 0, "resizing to an empty image")
        if newWidth == width && newHeight == height { return self }
        let horizontal = ResampleWeights(from: width, to: newWidth)
        let vertical = ResampleWeights(from: height, to: newHeight)

        // Rows first, into an image of the new width and the old height.
        var wide = [UInt8](repeating: 0, count: newWidth * height * channels)
        pixels.withUnsafeBufferPointer { input in
            wide.withUnsafeMutableBufferPointer { output in
                horizontal.resampleRows(input.baseAddress!, into: output.baseAddress!,
                                        rows: height, channels: channels)
            }
        }
        var resized = Image(width: newWidth, height: newHeight, channels: channels)
        wide.withUnsafeBufferPointer { input in
            resized.pixels.withUnsafeMutableBufferPointer { output in
                vertical.resampleColumns(input.baseAddress!, into: output.baseAddress!,
                                         rowLength: newWidth * channels)
            }
        }
        return resized
    }
}

/// For each output position along one axis, the window of input positions
/// it is made from and their weights, as Pillow computes them
/// (`precompute_coeffs` and `normalize_coeffs_8bpc` in Pillow's Resample.c).
struct ResampleWeights {
    /// Weights are integers scaled by 2^precision; sums stay within Int32.
    static let precision: Int32 = 22
    let first: [Int]      // first input position of each output's window
    let count: [Int]      // window length of each output
    let weights: [Int32]  // `stride` weights per output, `count` of them used
    let stride: Int
    let inputSize: Int

    init(from inputSize: Int, to outputSize: Int) {
        self.inputSize = inputSize
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)             // shrinking widens the triangle
        let support = 1.0 * filterScale             // the triangle's radius
        stride = Int(support.rounded(.up)) * 2 + 1
        var first = [Int](repeating: 0, count: outputSize)
        var count = [Int](repeating: 0, count: outputSize)
        var weights = [Int32](repeating: 0, count: outputSize * stride)
        var window = [Double](repeating: 0, count: stride)
        for output in 0..<outputSize {
            let centre = (Double(output) + 0.5) * scale
            let start = max(Int(centre - support + 0.5), 0)
            let end = min(Int(centre + support + 0.5), inputSize)
            var total = 0.0
            for k in 0..<(end - start) {
                let distance = abs((Double(start + k) - centre + 0.5) / filterScale)
                window[k] = max(1 - distance, 0)
                total += window[k]
            }
            for k in 0..<(end - start) {
                let normalised = total != 0 ? window[k] / total : 0
                let scaled = normalised * Double(1 << Self.precision)
                weights[output * stride + k] = Int32(scaled < 0 ? scaled - 0.5 : scaled + 0.5)
            }
            first[output] = start
            count[output] = end - start
        }
        self.first = first
        self.count = count
        self.weights = weights
    }

    private static func roundToByte(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> precision)
    }

    /// Resamples each of `rows` interleaved rows along x.
    func resampleRows(_ input: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>,
                      rows: Int, channels: Int) {
        let half: Int32 = 1 << (Self.precision - 1)
        let inputRowLength = inputSize * channels
        let outputRowLength = first.count * channels
        weights.withUnsafeBufferPointer { weights in
            for row in 0..<rows {
                let source = input + row * inputRowLength
                let target = output + row * outputRowLength
                for x in 0..<first.count {
                    let weight = weights.baseAddress! + x * stride
                    let window = source + first[x] * channels
                    for c in 0..<channels {
                        var sum = half
                        for k in 0..<count[x] { sum &+= Int32(window[k * channels + c]) &* weight[k] }
                        target[x * channels + c] = Self.roundToByte(sum)
                    }
                }
            }
        }
    }

    /// Resamples along y: each output row is a weighted sum of input rows.
    func resampleColumns(_ input: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>,
                         rowLength: Int) {
        let half: Int32 = 1 << (Self.precision - 1)
        var sums = [Int32](repeating: 0, count: rowLength)
        sums.withUnsafeMutableBufferPointer { sums in
            for row in 0..<first.count {
                sums.update(repeating: half)
                for k in 0..<count[row] {
                    let weight = weights[row * stride + k]
                    let source = input + (first[row] + k) * rowLength
                    for i in 0..<rowLength { sums[i] &+= Int32(source[i]) &* weight }
                }
                let target = output + row * rowLength
                for i in 0..<rowLength { target[i] = Self.roundToByte(sums[i]) }
            }
        }
    }
}
