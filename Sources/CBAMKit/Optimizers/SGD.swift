/// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay,
/// exactly as torch.optim.SGD (dampening 0). Per element:
///
///     d = g + weightDecay·p
///     buf = d on the first step, then momentum·buf + d
///     d = nesterov ? d + momentum·buf : buf
///     p -= learningRate·d
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private var slots = ParameterSlots(["momentum_buffer"])

    public init(learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs a momentum")
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [(key: String, parameter: Parameter)]) {
        let (lr, wd, momentum, nesterov) = (learningRate, weightDecay, momentum, nesterov)
        for (key, parameter) in parameters {
            let p = parameter.value.data, g = parameter.gradient.data, n = parameter.value.count
            precondition(parameter.gradient.count == n, "'\(key)' has a gradient of another shape")
            if momentum == 0 {
                for i in 0..<n { p[i] -= lr * (g[i] + wd * p[i]) }
                continue
            }
            let (buffers, firstStep) = slots.tensors(for: key, shape: parameter.shape)
            let buf = buffers[0].data
            for i in 0..<n {
                let d = g[i] + wd * p[i]
                buf[i] = firstStep ? d : momentum * buf[i] + d
                p[i] -= lr * (nesterov ? d + momentum * buf[i] : buf[i])
            }
        }
    }

    public var state: [(key: String, tensor: Tensor)] { slots.state }

    public func load(state: [String: Tensor]) throws { try slots.load(state) }
}
