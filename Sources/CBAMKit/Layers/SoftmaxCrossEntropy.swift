import Foundation

/// Mean softmax cross-entropy over a batch, with PyTorch's label smoothing: the
/// target is (1 − ε)·onehot + ε/K.
public struct SoftmaxCrossEntropy {
    public var labelSmoothing: Float

    public init(labelSmoothing: Float = 0) { self.labelSmoothing = labelSmoothing }

    /// The loss, and ∂loss/∂logits.
    public func callAsFunction(_ logits: Tensor, labels: [Int]) -> (loss: Float, gradient: Tensor) {
        let (n, k) = (logits.shape[0], logits.shape[1])
        precondition(labels.count == n, "\(labels.count) labels for \(n) rows")
        let gradient = Tensor(shape: logits.shape)
        var total = 0.0
        let offTarget = Double(labelSmoothing) / Double(k)
        for r in 0..<n {
            let row = logits.data + r * k, g = gradient.data + r * k
            var top = -Float.infinity
            for j in 0..<k { top = max(top, row[j]) }
            var sum = 0.0
            for j in 0..<k { sum += exp(Double(row[j] - top)) }
            let logSum = log(sum) + Double(top)
            for j in 0..<k {
                let target = offTarget + (j == labels[r] ? 1 - Double(labelSmoothing) : 0)
                let logP = Double(row[j]) - logSum
                total -= target * logP
                g[j] = Float((exp(logP) - target) / Double(n))
            }
        }
        return (Float(total / Double(n)), gradient)
    }
}
