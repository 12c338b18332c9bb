/// The class token's row (the first) of every image in a [N, T, d] token tensor.
enum ClassTokenRows {
    /// [N, T, d] → [N, 1, d], copied.
    static func gather(_ x: Tensor) -> Tensor {
        let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        let out = Tensor(shape: [n, 1, d])
        for image in 0..<n { (out.data + image * d).update(from: x.data + image * t * d, count: d) }
        return out
    }

    /// [N, 1, d] → [N, T, d] with zeros in the other rows: the gradient of `gather`.
    static func scatter(_ rows: Tensor, into shape: [Int]) -> Tensor {
        let (t, d) = (shape[1], shape[2])
        let out = Tensor.zeros(shape)
        for image in 0..<shape[0] { (out.data + image * t * d).update(from: rows.data + image * d, count: d) }
        return out
    }
}
