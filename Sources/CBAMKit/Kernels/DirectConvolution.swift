import OneDNN

/// A stride-1 convolution with very few channels on plain NCHW tensors, computed
/// directly: CBAM's spatial gate (2 → 1 channels, 7×7). oneDNN has no optimised
/// kernel for this shape (it falls back to its reference code, about 1 ms per
/// 32×32 image), while a direct loop over zero-padded rows vectorises well.
struct DirectConvolution {
    let inputChannels, outputChannels, kernel, padding: Int

    /// Whether this kernel should run a convolution instead of oneDNN.
    static func handles(inputChannels: Int, outputChannels: Int, stride: Int, input: Layout, output: Layout) -> Bool {
        stride == 1 && input == .plain && output == .plain && inputChannels * outputChannels <= 4
    }

    func outputSize(_ size: Int) -> Int { size + 2 * padding - kernel + 1 }

    /// y = x ⊛ w (+ b), for every image.
    func forward(_ x: Tensor, weights w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: Tensor) {
        let (oh, ow) = (y.height, y.width)
        Parallel.forEach(x.batch) { image in
            let padded = paddedCopy(x, image: image)
            defer { padded.deallocate() }
            let (pw, ph) = (x.width + 2 * padding, x.height + 2 * padding)
            for o in 0..<outputChannels {
                let out = y.data + (image * outputChannels + o) * oh * ow
                out.update(repeating: bias?[o] ?? 0, count: oh * ow)
                for c in 0..<inputChannels {
                    slide(window: padded + c * ph * pw, windowWidth: pw, over: out, height: oh, width: ow,
                          weights: w + (o * inputChannels + c) * kernel * kernel, intoWindow: false)
                }
            }
        }
    }

    /// ∂x from ∂y: each output's gradient spread back over the window it read.
    func backwardData(_ dy: Tensor, weights w: UnsafePointer<Float>, into dx: Tensor) {
        let (oh, ow) = (dy.height, dy.width)
        let (pw, ph) = (dx.width + 2 * padding, dx.height + 2 * padding)
        Parallel.forEach(dy.batch) { image in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: inputChannels * ph * pw)
            defer { padded.deallocate() }
            padded.update(repeating: 0, count: inputChannels * ph * pw)
            for o in 0..<outputChannels {
                let gradient = dy.data + (image * outputChannels + o) * oh * ow
                for c in 0..<inputChannels {
                    slide(window: padded + c * ph * pw, windowWidth: pw, over: gradient, height: oh, width: ow,
                          weights: w + (o * inputChannels + c) * kernel * kernel, intoWindow: true)
                }
            }
            for c in 0..<inputChannels {
                for row in 0..<dx.height {
                    (dx.data + ((image * inputChannels + c) * dx.height + row) * dx.width)
                        .update(from: padded + (c * ph + row + padding) * pw + padding, count: dx.width)
                }
            }
        }
    }

    /// ∂w (and ∂b) from the input and ∂y, summed over the batch.
    func backwardWeights(_ x: Tensor, _ dy: Tensor, weightGradient dw: UnsafeMutablePointer<Float>,
                         biasGradient db: UnsafeMutablePointer<Float>?) {
        let (oh, ow) = (dy.height, dy.width)
        let (pw, ph) = (x.width + 2 * padding, x.height + 2 * padding)
        let weightCount = outputChannels * inputChannels * kernel * kernel
        var partials = Array(repeating: [Double](repeating: 0, count: weightCount + outputChannels), count: Parallel.threadCount)
        partials.withUnsafeMutableBufferPointer { partials in
            Parallel.forEachChunk(x.batch) { images, thread in
                for image in images {
                    let padded = paddedCopy(x, image: image)
                    defer { padded.deallocate() }
                    for o in 0..<outputChannels {
                        let gradient = dy.data + (image * outputChannels + o) * oh * ow
                        var biasSum: Float = 0
                        for i in 0..<(oh * ow) { biasSum += gradient[i] }
                        partials[thread][weightCount + o] += Double(biasSum)
                        for c in 0..<inputChannels {
                            let plane = padded + c * ph * pw
                            for ky in 0..<kernel {
                                for kx in 0..<kernel {
                                    var sum: Float = 0
                                    for row in 0..<oh {
                                        let source = plane + (row + ky) * pw + kx, g = gradient + row * ow
                                        for col in 0..<ow { sum += g[col] * source[col] }
                                    }
                                    partials[thread][((o * inputChannels + c) * kernel + ky) * kernel + kx] += Double(sum)
                                }
                            }
                        }
                    }
                }
            }
        }
        let total = sumPartials(partials)
        for i in 0..<weightCount { dw[i] = Float(total[i]) }
        if let db { for o in 0..<outputChannels { db[o] = Float(total[weightCount + o]) } }
    }

    /// For each kernel tap, the output-sized map `dense` against the padded plane
    /// shifted by the tap: forward adds weight·window into dense, backward adds
    /// weight·dense into the window (the transpose).
    private func slide(window: UnsafeMutablePointer<Float>, windowWidth pw: Int, over dense: UnsafeMutablePointer<Float>,
                       height oh: Int, width ow: Int, weights: UnsafePointer<Float>, intoWindow: Bool) {
        for ky in 0..<kernel {
            for kx in 0..<kernel {
                let weight = weights[ky * kernel + kx]
                for row in 0..<oh {
                    let shifted = window + (row + ky) * pw + kx, plain = dense + row * ow
                    let (source, target) = intoWindow ? (plain, shifted) : (shifted, plain)
                    for col in 0..<ow { target[col] += weight * source[col] }
                }
            }
        }
    }

    /// One image's channels with `padding` zeros around each plane (caller deallocates).
    private func paddedCopy(_ x: Tensor, image: Int) -> UnsafeMutablePointer<Float> {
        let (pw, ph) = (x.width + 2 * padding, x.height + 2 * padding)
        let padded = UnsafeMutablePointer<Float>.allocate(capacity: inputChannels * ph * pw)
        padded.update(repeating: 0, count: inputChannels * ph * pw)
        for c in 0..<inputChannels {
            for row in 0..<x.height {
                (padded + (c * ph + row + padding) * pw + padding)
                    .update(from: x.data + ((image * inputChannels + c) * x.height + row) * x.width, count: x.width)
            }
        }
        return padded
    }
}
