import OneDNN

/// How a tensor's elements sit in memory.
public enum Layout: Sendable, Hashable {
    /// Row-major: NCHW for images, [rows, columns] for matrices. Parameters are always plain.
    case plain
    /// oneDNN's nChw16c for 4-D activations: for each image, channel blocks of 16, each
    /// block H·W vectors of 16 floats. Channels past C in the last block are zeros.
    case blocked

    var activationFormat: ActivationFormat { self == .plain ? .nchw : .nChw16c }
}

/// A Float32 tensor: a logical shape, a layout, and memory from the shared pool.
///
/// Tensors are reference types: layers write into the tensors they create and
/// hand them on. Memory returns to `BufferPool` when the last reference goes, so a
/// training loop reuses the same (already touched) pages step after step.
public final class Tensor: @unchecked Sendable {
    public static let blockSize = 16

    public let shape: [Int]
    public let layout: Layout
    /// The first element; `storageCount` floats follow (channel padding included).
    public let data: UnsafeMutablePointer<Float>
    public let storageCount: Int

    /// An uninitialised tensor (fill it before reading).
    public init(shape: [Int], layout: Layout = .plain) {
        precondition(layout == .plain || shape.count == 4, "the blocked layout is for 4-D activations")
        self.shape = shape
        self.layout = layout
        storageCount = Tensor.storageCount(shape: shape, layout: layout)
        data = BufferPool.shared.take(storageCount)
    }

    deinit { BufferPool.shared.give(data, count: storageCount) }

    public static func zeros(_ shape: [Int], layout: Layout = .plain) -> Tensor {
        let t = Tensor(shape: shape, layout: layout)
        t.data.update(repeating: 0, count: t.storageCount)
        return t
    }

    /// A plain tensor holding `values` (row-major).
    public convenience init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "\(values.count) values for shape \(shape)")
        self.init(shape: shape, layout: .plain)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    static func storageCount(shape: [Int], layout: Layout) -> Int {
        switch layout {
        case .plain: return shape.reduce(1, *)
        case .blocked: return shape[0] * blocks(shape[1]) * blockSize * shape[2] * shape[3]
        }
    }

    static func blocks(_ channels: Int) -> Int { (channels + blockSize - 1) / blockSize }

    // Named dimensions of a 4-D activation.
    public var batch: Int { shape[0] }
    public var channels: Int { shape[1] }
    public var height: Int { shape[2] }
    public var width: Int { shape[3] }
    /// H·W, the length of one channel (or one channel block, in vectors).
    public var spatial: Int { shape[2] * shape[3] }
    public var channelBlocks: Int { Tensor.blocks(shape[1]) }
    /// Logical element count (without channel padding).
    public var count: Int { shape.reduce(1, *) }

    /// The logical values in row-major (NCHW) order, whatever the layout.
    public var scalars: [Float] {
        if layout == .plain { return Array(UnsafeBufferPointer(start: data, count: count)) }
        return reordered(to: .plain).scalars
    }

    /// A copy in `layout` (the same tensor if it already is).
    public func reordered(to layout: Layout) -> Tensor {
        if layout == self.layout { return self }
        let out = Tensor(shape: shape, layout: layout)
        let (n, c, hw, blocks) = (batch, channels, spatial, channelBlocks)
        let plain = layout == .plain ? out.data : data
        let blocked = layout == .plain ? data : out.data
        let toPlain = layout == .plain
        Parallel.forEach(n * blocks, minimumPerThread: 4) { row in
            let (image, block) = row.quotientAndRemainder(dividingBy: blocks)
            let blockStart = blocked + row * hw * Tensor.blockSize
            for lane in 0..<Tensor.blockSize {
                let channel = block * Tensor.blockSize + lane
                if channel >= c {
                    if !toPlain { for i in 0..<hw { blockStart[i * Tensor.blockSize + lane] = 0 } }
                    continue
                }
                let plainStart = plain + (image * c + channel) * hw
                for i in 0..<hw {
                    if toPlain { plainStart[i] = blockStart[i * Tensor.blockSize + lane] }
                    else { blockStart[i * Tensor.blockSize + lane] = plainStart[i] }
                }
            }
        }
        return out
    }

    /// A copy of this tensor (same layout).
    public func copy() -> Tensor {
        let out = Tensor(shape: shape, layout: layout)
        out.data.update(from: data, count: storageCount)
        return out
    }

    /// The same memory seen with another shape of equal count (plain only).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(layout == .plain && newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        let out = Tensor(shape: newShape, layout: .plain)
        out.data.update(from: data, count: count)
        return out
    }
}
