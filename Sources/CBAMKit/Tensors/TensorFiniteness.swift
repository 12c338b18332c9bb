extension Tensor {
    /// Whether every element is a finite number: no NaN, no infinity.
    public var isAllFinite: Bool {
        let plain = layout == .plain ? self : reordered(to: .plain)
        return UnsafeBufferPointer(start: plain.data, count: plain.count).allSatisfy(\.isFinite)
    }
}

/// The key of the first tensor (in the given order) that holds a NaN or an infinity.
func firstNonFiniteKey(_ tensors: [(key: String, tensor: Tensor)]) -> String? {
    tensors.first { !$0.tensor.isAllFinite }?.key
}
