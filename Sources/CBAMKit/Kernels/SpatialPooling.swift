import OneDNN

/// Each channel's average and maximum over H×W, as plain [N, C], and where each maximum
/// is (0..<H·W; empty unless asked for): what CBAM's channel gate and SE's squeeze start
/// from. `Pooling.overSpace` computes it from a tensor; the pass that writes the tensor
/// can compute it on the way instead (`BatchNorm2d.forwardPooling`), saving a read.
public struct SpatialPooling {
    let average: Tensor
    let maximum: Tensor
    let argmax: [Int32]

    /// One block of 16 channels of one image, as vectors.
    typealias Row = (average: Vector, maximum: Vector, at: SIMD16<Int32>)

    /// The running sums and maxima over one row's pixels, visited in order: the first
    /// of equal maxima is the one located (as PyTorch's max pooling picks).
    struct Accumulator {
        private var sum = Vector(), best = Vector(repeating: -.infinity), at = SIMD16<Int32>()
        private let locatingMaxima: Bool

        init(locatingMaxima: Bool) { self.locatingMaxima = locatingMaxima }

        @inline(__always)
        mutating func add(_ v: Vector, pixel p: Int) {
            sum += v
            let better = v .> best
            best.replace(with: v, where: better)
            if locatingMaxima { at.replace(with: Int32(p), where: better) }
        }

        func row(pixels: Int) -> Row { (sum / Float(pixels), best, at) }
    }

    /// Where rows of pooled vectors go: the result's memory, written from any thread.
    struct Writer {
        fileprivate let average, maximum: UnsafeMutablePointer<Float>
        fileprivate let argmax: UnsafeMutablePointer<Int32>?
        fileprivate let channels, blocks: Int

        var locatesMaxima: Bool { argmax != nil }

        /// Stores one row's vectors (`row` = image · blocks + block).
        func store(_ pooled: Row, row: Int) {
            let (image, block) = row.quotientAndRemainder(dividingBy: blocks)
            for lane in 0..<min(16, channels - block * 16) {
                let channel = image * channels + block * 16 + lane
                average[channel] = pooled.average[lane]
                maximum[channel] = pooled.maximum[lane]
                argmax?[channel] = pooled.at[lane]
            }
        }
    }

    /// The pooling of a blocked tensor shaped like `x`, which `body` fills row by row
    /// through the writer it is given.
    static func collecting(like x: Tensor, locatingMaxima: Bool, _ body: (Writer) -> Void) -> SpatialPooling {
        let (n, c) = (x.batch, x.channels)
        let average = Tensor(shape: [n, c]), maximum = Tensor(shape: [n, c])
        var argmax = [Int32](repeating: 0, count: locatingMaxima ? n * c : 0)
        argmax.withUnsafeMutableBufferPointer { argmax in
            body(Writer(average: average.data, maximum: maximum.data, argmax: locatingMaxima ? argmax.baseAddress : nil,
                        channels: c, blocks: x.channelBlocks))
        }
        return SpatialPooling(average: average, maximum: maximum, argmax: argmax)
    }
}
