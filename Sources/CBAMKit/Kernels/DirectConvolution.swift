import OneDNN

/// A stride-1 convolution with very few channels on plain NCHW tensors, computed
/// directly: CBAM's spatial gate (2 → 1 channels, 7×7). oneDNN has no optimised
/// kernel for this shape (it falls back to its reference code, about 1 ms per
/// 32×32 image), while direct loops over zero-padded planes vectorise well.
///
/// Every pass reads one image at a time from a zero-padded copy (`PaddedPlanes`).
/// Forward and ∂x are the same correlation — ∂x correlates ∂y, padded by k − 1 − p,
/// with each kernel turned by 180° and the channels swapped — which keeps 16 output
/// columns in a register while it adds up every tap; ∂w instead holds a kernel row's
/// taps in the lanes of a register and adds ∂y · the window row at each pixel.
struct DirectConvolution {
    let inputChannels, outputChannels, kernel, padding: Int

    /// Whether this kernel should run a convolution instead of oneDNN (a kernel row
    /// fits one register; the padding leaves each output a window of the input).
    static func handles(inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int, padding: Int,
                        input: Layout, output: Layout) -> Bool {
        stride == 1 && kernel <= 16 && padding < kernel && input == .plain && output == .plain
            && inputChannels * outputChannels <= 4
    }

    func outputSize(_ size: Int) -> Int { size + 2 * padding - kernel + 1 }

    /// y = x ⊛ w (+ b), for every image.
    func forward(_ x: Tensor, weights w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: Tensor) {
        Parallel.forEach(x.batch) { image in forward(x, image: image, weights: w, bias: bias, into: y) }
    }

    /// `forward` of one image.
    func forward(_ x: Tensor, image: Int, weights w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: Tensor) {
        let taps = kernel * kernel
        let window = PaddedPlanes(x, image: image, padding: padding)
        defer { window.deallocate() }
        for o in 0..<outputChannels {
            correlate(window, kernels: w + o * inputChannels * taps, initial: bias?[o] ?? 0,
                      into: y.data + (image * outputChannels + o) * y.spatial, height: y.height, width: y.width)
        }
    }

    /// ∂x from ∂y: each output's gradient spread back over the window it read, which
    /// is ∂y (padded by k − 1 − p) correlated with the turned kernels w[o, c] for each c.
    func backwardData(_ dy: Tensor, weights w: UnsafePointer<Float>, into dx: Tensor) {
        let taps = kernel * kernel
        // turned[c, o] = w[o, c] rotated by 180°: tap t becomes tap taps − 1 − t.
        var turned = [Float](repeating: 0, count: inputChannels * outputChannels * taps)
        for o in 0..<outputChannels {
            for c in 0..<inputChannels {
                for t in 0..<taps { turned[(c * outputChannels + o) * taps + taps - 1 - t] = w[(o * inputChannels + c) * taps + t] }
            }
        }
        turned.withUnsafeBufferPointer { turned in
            Parallel.forEach(dy.batch) { image in
                let window = PaddedPlanes(dy, image: image, padding: kernel - 1 - padding)
                defer { window.deallocate() }
                for c in 0..<inputChannels {
                    correlate(window, kernels: turned.baseAddress! + c * outputChannels * taps, initial: 0,
                              into: dx.data + (image * inputChannels + c) * dx.spatial, height: dx.height, width: dx.width)
                }
            }
        }
    }

    /// ∂w (and ∂b) from the input and ∂y, summed over the batch.
    func backwardWeights(_ x: Tensor, _ dy: Tensor, weightGradient dw: UnsafeMutablePointer<Float>,
                         biasGradient db: UnsafeMutablePointer<Float>?) {
        let (oh, ow) = (dy.height, dy.width)
        let weightCount = outputChannels * inputChannels * kernel * kernel
        var partials = Array(repeating: [Double](repeating: 0, count: weightCount + outputChannels), count: Parallel.threadCount)
        partials.withUnsafeMutableBufferPointer { partials in
            Parallel.forEachChunk(x.batch) { images, thread in
                for image in images {
                    let window = PaddedPlanes(x, image: image, padding: padding)
                    defer { window.deallocate() }
                    for o in 0..<outputChannels {
                        let gradient = dy.data + (image * outputChannels + o) * oh * ow
                        partials[thread][weightCount + o] += Double(sum(gradient, count: oh * ow))
                        for c in 0..<inputChannels {
                            for ky in 0..<kernel {
                                // Lane kx: Σ over pixels of ∂y · the input kx to the right of the
                                // window's row ky, i.e. ∂w[o, c, ky, kx] (lanes ≥ k unused). Two
                                // accumulators, so that consecutive pixels do not wait on each other.
                                var even = Vector(), odd = Vector()
                                for row in 0..<oh {
                                    let line = window.plane(c) + (row + ky) * window.width, g = gradient + row * ow
                                    var col = 0
                                    while col + 1 < ow {
                                        even += g[col] * line.vector(at: col)
                                        odd += g[col + 1] * line.vector(at: col + 1)
                                        col += 2
                                    }
                                    if col < ow { even += g[col] * line.vector(at: col) }
                                }
                                let row = even + odd, first = ((o * inputChannels + c) * kernel + ky) * kernel
                                for kx in 0..<kernel { partials[thread][first + kx] += Double(row[kx]) }
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

    /// One output plane (oh × ow): initial + Σ over the window's channels c and the
    /// taps of `kernels` + c·k² of tap weight · the window shifted by the tap. Each
    /// run of 16 columns stays in a register until every tap has been added.
    private func correlate(_ window: PaddedPlanes, kernels: UnsafePointer<Float>, initial: Float,
                           into out: UnsafeMutablePointer<Float>, height oh: Int, width ow: Int) {
        for row in 0..<oh {
            for col in stride(from: 0, to: ow, by: 16) {
                var sum = Vector(repeating: initial)
                for c in 0..<window.channels {
                    let plane = window.plane(c), weights = kernels + c * kernel * kernel
                    for ky in 0..<kernel {
                        let line = plane + (row + ky) * window.width + col
                        for kx in 0..<kernel { sum += weights[ky * kernel + kx] * line.vector(at: kx) }
                    }
                }
                let target = out + row * ow + col
                if col + 16 <= ow {
                    target.setVector(sum, at: 0)
                } else {
                    for lane in 0..<(ow - col) { target[lane] = sum[lane] }
                }
            }
        }
    }

    private func sum(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var total = Vector(), i = 0
        while i + 16 <= count { total += values.vector(at: i); i += 16 }
        var tail: Float = 0
        while i < count { tail += values[i]; i += 1 }
        return total.sum() + tail
    }
}

/// One image's channel planes with `padding` zeros around each, and 16 zeros after
/// the last, so that a 16-wide load starting anywhere in a plane stays inside (its
/// lanes past the row are read and then ignored). Deallocate when done.
private struct PaddedPlanes {
    let data: UnsafeMutablePointer<Float>
    let channels, height, width: Int

    init(_ t: Tensor, image: Int, padding: Int) {
        (channels, height, width) = (t.channels, t.height + 2 * padding, t.width + 2 * padding)
        let count = channels * height * width + 16
        data = .allocate(capacity: count)
        data.update(repeating: 0, count: count)
        for c in 0..<channels {
            for row in 0..<t.height {
                (plane(c) + (row + padding) * width + padding)
                    .update(from: t.data + ((image * channels + c) * t.height + row) * t.width, count: t.width)
            }
        }
    }

    func plane(_ c: Int) -> UnsafeMutablePointer<Float> { data + c * height * width }

    func deallocate() { data.deallocate() }
}
