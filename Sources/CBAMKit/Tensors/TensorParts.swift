/// Reading and writing parts of a plain tensor without touching its memory directly:
/// what layers, models and explanations use instead of pointer arithmetic.
extension Tensor {
    /// The logical elements at flat (row-major) positions `range` of a plain tensor.
    public func scalars(_ range: Range<Int>) -> [Float] {
        precondition(layout == .plain && range.lowerBound >= 0 && range.upperBound <= count,
                     "elements \(range) of a plain tensor of \(count)")
        return Array(UnsafeBufferPointer(start: data + range.lowerBound, count: range.count))
    }

    /// Row `i` of a plain tensor seen as [shape[0], everything else]: one image's logits,
    /// one image's channel attention.
    public func row(_ i: Int) -> [Float] {
        let length = count / shape[0]
        return scalars(i * length..<(i + 1) * length)
    }

    /// Overwrites a plain tensor's elements with `values` (row-major).
    public func assign(_ values: [Float]) {
        precondition(layout == .plain && values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    /// Indices `range` of axis `axis`, copied: the class token's row of every image,
    /// [N, T, d] → [N, 1, d], is `slice(0..<1, axis: 1)`.
    public func slice(_ range: Range<Int>, axis: Int) -> Tensor {
        var partShape = shape
        partShape[axis] = range.count
        let part = Tensor(shape: partShape)
        forEachRun(of: range, axis: axis) { whole, piece, length in (part.data + piece).update(from: data + whole, count: length) }
        return part
    }

    /// Writes `part` into indices `range` of axis `axis`: the inverse of `slice`.
    public func setSlice(_ range: Range<Int>, axis: Int, to part: Tensor) {
        precondition(part.layout == .plain && part.count == count / shape[axis] * range.count,
                     "\(part.shape) does not fill \(range) of axis \(axis) of \(shape)")
        forEachRun(of: range, axis: axis) { whole, piece, length in (data + whole).update(from: part.data + piece, count: length) }
    }

    /// Rows `range` along the first axis, copied.
    public func rows(_ range: Range<Int>) -> Tensor { slice(range, axis: 0) }

    /// Plain tensors of the same trailing shape, one after another along the first axis.
    public static func stacking(_ parts: [Tensor]) -> Tensor {
        let trailing = Array(parts[0].shape.dropFirst())
        precondition(parts.allSatisfy { $0.layout == .plain && Array($0.shape.dropFirst()) == trailing },
                     "stacking needs plain tensors of one trailing shape, got \(parts.map(\.shape))")
        let stacked = Tensor(shape: [parts.reduce(0) { $0 + $1.shape[0] }] + trailing)
        var offset = 0
        for part in parts {
            (stacked.data + offset).update(from: part.data, count: part.count)
            offset += part.count
        }
        return stacked
    }

    /// For each index before `axis`, the contiguous run that `range` of `axis` covers:
    /// body(its offset in the whole tensor, its offset in the part, its length).
    private func forEachRun(of range: Range<Int>, axis: Int, _ body: (Int, Int, Int) -> Void) {
        precondition(layout == .plain && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "indices \(range) of axis \(axis) of a plain tensor \(shape)")
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let length = range.count * inner
        for o in 0..<outer { body((o * shape[axis] + range.lowerBound) * inner, o * length, length) }
    }
}
