import OneDNN

/// Windowed max pooling over a blocked activation (the official ResNets' stem
/// max-pool), forward and backward. Padding never wins: a window reads only the
/// pixels inside the image, as PyTorch's MaxPool2d pads with −∞.
enum MaxPooling {
    /// The pooling window: k×k, stride s, zero-cost padding p on each side.
    struct Window: Hashable, Sendable {
        var kernel, stride, padding: Int

        /// ⌊(side + 2p − k) / s⌋ + 1, PyTorch's output side (ceil_mode off).
        func outputSide(_ side: Int) -> Int { (side + 2 * padding - kernel) / stride + 1 }
    }

    /// y[n, c, i, j] = max over the window at (i·s − p, j·s − p) of x[n, c]; also the
    /// position (0..<H·W) of each maximum, per output element and lane, for backward.
    /// The first maximum in row-major window order wins a tie, as in PyTorch.
    static func forward(_ x: Tensor, _ window: Window) -> (output: Tensor, argmax: [Int32]) {
        precondition(x.layout == .blocked)
        let (h, w) = (x.height, x.width)
        let (oh, ow) = (window.outputSide(h), window.outputSide(w))
        let rows = x.batch * x.channelBlocks
        let y = Tensor(shape: [x.batch, x.channels, oh, ow], layout: .blocked)
        var argmax = [Int32](repeating: 0, count: rows * oh * ow * 16)
        argmax.withUnsafeMutableBufferPointer { argmax in
            Parallel.forEach(rows, minimumPerThread: 2) { row in
                let (input, output) = (row * h * w * 16, row * oh * ow * 16)
                for i in 0..<oh {
                    let top = i * window.stride - window.padding
                    for j in 0..<ow {
                        let left = j * window.stride - window.padding
                        var best = Vector(repeating: -.infinity), at = SIMD16<Int32>()
                        for r in max(top, 0)..<min(top + window.kernel, h) {
                            for c in max(left, 0)..<min(left + window.kernel, w) {
                                let v = x.data.vector(at: input + (r * w + c) * 16)
                                let better = v .> best
                                best.replace(with: v, where: better)
                                at.replace(with: Int32(r * w + c), where: better)
                            }
                        }
                        let q = output + (i * ow + j) * 16
                        y.data.setVector(best, at: q)
                        for lane in 0..<16 { argmax[q + lane] = at[lane] }
                    }
                }
            }
        }
        return (y, argmax)
    }

    /// ∂x: each output's gradient added at the position of its maximum (zero elsewhere).
    static func backward(_ dy: Tensor, argmax: [Int32], inputShape: [Int]) -> Tensor {
        precondition(dy.layout == .blocked)
        let dx = Tensor.zeros(inputShape, layout: .blocked)
        let (inputSpatial, outputSpatial) = (inputShape[2] * inputShape[3], dy.spatial)
        argmax.withUnsafeBufferPointer { argmax in
            // Each (image, channel block) row writes only its own slab of dx.
            Parallel.forEach(dy.batch * dy.channelBlocks, minimumPerThread: 2) { row in
                let (input, output) = (row * inputSpatial * 16, row * outputSpatial * 16)
                for q in stride(from: output, to: output + outputSpatial * 16, by: 16) {
                    for lane in 0..<16 { dx.data[input + Int(argmax[q + lane]) * 16 + lane] += dy.data[q + lane] }
                }
            }
        }
        return dx
    }
}
