import Foundation

/// Mean softmax cross-entropy over a batch, with PyTorch's label smoothing: the
/// target is t = (1 − ε)·onehot + ε/K, and
///
///     L = −(1/N)·Σₙ Σⱼ tₙⱼ·log softmax(logitsₙ)ⱼ,   ∂L/∂logits = (softmax(logits) − t)/N
///
/// N is the rows' count, or the global batch's when these rows are one rank's share of
/// it: then the ranks' losses and gradients add up to the global batch's.
public struct SoftmaxCrossEntropy {
    public var labelSmoothing: Float

    public init(labelSmoothing: Float = 0) { self.labelSmoothing = labelSmoothing }

    /// The loss, and ∂loss/∂logits.
    public func callAsFunction(_ logits: Tensor, labels: [Int], meanOver batch: Int? = nil) -> (loss: Float, gradient: Tensor) {
        let (rows, k) = (logits.shape[0], logits.shape[1])
        let n = batch ?? rows
        precondition(labels.count == rows && n >= rows, "\(labels.count) labels for \(rows) rows of \(n)")
        var gradient = [Float](repeating: 0, count: rows * k)
        var total = 0.0
        let offTarget = Double(labelSmoothing) / Double(k)
        for r in 0..<rows {
            let row = logits.row(r)
            var top = -Float.infinity
            for j in 0..<k { top = max(top, row[j]) }
            var sum = 0.0
            for j in 0..<k { sum += exp(Double(row[j] - top)) }
            let logSum = log(sum) + Double(top)
            for j in 0..<k {
                let target = offTarget + (j == labels[r] ? 1 - Double(labelSmoothing) : 0)
                let logP = Double(row[j]) - logSum
                total -= target * logP
                gradient[r * k + j] = Float((exp(logP) - target) / Double(n))
            }
        }
        return (Float(total / Double(n)), Tensor(shape: logits.shape, values: gradient))
    }
}
