import Foundation

/// Adam with decoupled weight decay, exactly as torch.optim.AdamW (amsgrad off).
/// Per element, at step t = 1, 2, …:
///
///     p *= 1 − learningRate·weightDecay
///     m = β1·m + (1 − β1)·g,   v = β2·v + (1 − β2)·g²
///     p −= learningRate · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
public final class AdamW: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// Steps taken (t); the bias corrections depend on it.
    public private(set) var stepCount = 0
    private var slots = ParameterSlots(["exp_avg", "exp_avg_sq"])

    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0.01) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [(key: String, parameter: Parameter)]) {
        stepCount += 1
        // The per-step scalars in Double, as PyTorch computes them in Python floats;
        // the arithmetic is arranged as its single-tensor kernel arranges it.
        let t = Double(stepCount)
        let decay = Float(1 - Double(learningRate) * Double(weightDecay))
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let correction2Root = Float((1 - pow(Double(beta2), t)).squareRoot())
        let (mixIn, beta2, squareMixIn, epsilon) = (1 - beta1, beta2, 1 - beta2, epsilon)

        for (key, parameter) in parameters {
            let p = parameter.value.data, g = parameter.gradient.data, n = parameter.value.count
            precondition(parameter.gradient.count == n, "'\(key)' has a gradient of another shape")
            let moments = slots.tensors(for: key, shape: parameter.shape).tensors
            let m = moments[0].data, v = moments[1].data
            for i in 0..<n {
                p[i] *= decay
                m[i] += mixIn * (g[i] - m[i])
                v[i] = v[i] * beta2 + squareMixIn * g[i] * g[i]
                p[i] -= stepSize * (m[i] / (v[i].squareRoot() / correction2Root + epsilon))
            }
        }
    }

    public var state: [(key: String, tensor: Tensor)] {
        [(key: "step", tensor: Tensor(shape: [], values: [Float(stepCount)]))] + slots.state
    }

    public func load(state: [String: Tensor]) throws {
        guard let step = state["step"], step.count == 1, let count = Int(exactly: step.scalars[0]), count >= 0 else {
            throw OptimizerStateError("AdamW state needs 'step', a whole number of steps")
        }
        try slots.load(state.filter { $0.key != "step" })
        stepCount = count
    }
}
