import OneDNN

/// LayerNorm over the last dimension of a plain [..., d] tensor, as PyTorch's
/// nn.LayerNorm(d): y = (x − mean)/√(var + ε)·γ + β per row, biased variance, ε 1e-5.
///
/// Forward keeps the normalised rows x̂ and 1/σ, which is all backward needs, so
/// the caller may overwrite x afterwards (a transformer's residual stream does).
public final class LayerNorm: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let features: Int
    public let epsilon: Float = 1e-5

    private var normalized: Tensor?
    private var inverseStd: Tensor?

    /// γ = 1, β = 0, as PyTorch initialises them.
    public init(_ features: Int) {
        self.features = features
        weight = Parameter(Tensor(shape: [features], values: Array(repeating: 1, count: features)))
        bias = Parameter(Tensor.zeros([features]))
    }

    public var parameters: [(key: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor { forward(x, mode, copyingInput: false).output }

    /// Also returns a copy of x when asked: the start of a residual sum that the
    /// sublayer after this norm adds its result into. Written in the same pass,
    /// it costs one store per element instead of a separate copy or add.
    public func forward(_ x: Tensor, _ mode: Mode, copyingInput: Bool) -> (output: Tensor, copy: Tensor?) {
        Profiler.measure("layernorm") {
            precondition(x.layout == .plain && x.shape.last == features, "LayerNorm expects [..., \(features)], got \(x.shape)")
            let d = features, rows = x.count / d
            let y = Tensor(shape: x.shape)
            let copy = copyingInput ? Tensor(shape: x.shape) : nil
            let keep = mode.keepsActivations
            let xhat = keep ? Tensor(shape: x.shape) : nil
            let rstd = keep ? Tensor(shape: [rows]) : nil
            let (gamma, beta, eps) = (weight.value.data, bias.value.data, epsilon)
            let runs = VectorRuns(d)
            Parallel.forEachChunk(rows, minimumPerThread: 16) { range, _ in
                for row in range {
                    let xr = x.data + row * d, yr = y.data + row * d
                    var sum = Vector()
                    runs.forEach { j, _, keep in sum += xr.vector(at: j) * keep }
                    let mean = sum.sum() / Float(d)
                    var squares = Vector()
                    runs.forEach { j, _, keep in
                        let centred = (xr.vector(at: j) - mean) * keep
                        squares += centred * centred
                    }
                    let inverse = 1 / (squares.sum() / Float(d) + eps).squareRoot()
                    runs.forEach { j, n, _ in
                        let v = xr.vector(at: j)
                        let h = (v - mean) * inverse
                        yr.setVector(h * gamma.vector(at: j) + beta.vector(at: j), at: j, count: n)
                        xhat?.data.setVector(h, at: row * d + j, count: n)
                        copy?.data.setVector(v, at: row * d + j, count: n)
                    }
                    rstd?.data[row] = inverse
                }
            }
            normalized = xhat
            inverseStd = rstd
            return (y, copy)
        }
    }

    /// ∂L/∂x; fills ∂γ and ∂β.
    ///
    ///     ∂x̂ = dy·γ,  ∂x = (∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂)) / σ
    public func backward(_ dy: Tensor) -> Tensor { backward(dy, residualGradient: nil) }

    /// ∂L/∂x plus `residualGradient`, the gradient the residual path brings to the
    /// same x, added in the same pass; fills ∂γ and ∂β.
    public func backward(_ dy: Tensor, adding residualGradient: Tensor) -> Tensor { backward(dy, residualGradient: residualGradient) }

    private func backward(_ dy: Tensor, residualGradient: Tensor?) -> Tensor {
        Profiler.measure("layernorm") {
            guard let xhat = normalized, let rstd = inverseStd else {
                preconditionFailure("LayerNorm.backward without a forward that keeps activations")
            }
            let d = features, rows = dy.count / d
            let dx = Tensor(shape: dy.shape)
            let partials = PerThreadSums(count: 2 * d)  // Σ dy·x̂ (∂γ), then Σ dy (∂β)
            let gamma = weight.value.data
            let runs = VectorRuns(d)
            Parallel.forEachChunk(rows, minimumPerThread: 16) { range, thread in
                let acc = partials.buffer(thread)
                for row in range {
                    let base = row * d
                    var sumG = Vector(), sumGH = Vector()
                    runs.forEach { j, n, keep in
                        let g = dy.data.vector(at: base + j) * keep, h = xhat.data.vector(at: base + j) * keep
                        let gh = g * gamma.vector(at: j)
                        sumG += gh
                        sumGH += gh * h
                        acc.setVector(acc.vector(at: j) + g * h, at: j, count: n)
                        acc.setVector(acc.vector(at: d + j) + g, at: d + j, count: n)
                    }
                    let meanG = sumG.sum() / Float(d), meanGH = sumGH.sum() / Float(d)
                    let inverse = rstd.data[row]
                    runs.forEach { j, n, _ in
                        let gh = dy.data.vector(at: base + j) * gamma.vector(at: j)
                        var v = (gh - meanG - xhat.data.vector(at: base + j) * meanGH) * inverse
                        if let residualGradient { v += residualGradient.data.vector(at: base + j) }
                        dx.data.setVector(v, at: base + j, count: n)
                    }
                }
            }
            let sums = Tensor(shape: [2 * d])
            partials.total(into: sums.data)
            weight.gradient.data.update(from: sums.data, count: d)
            bias.gradient.data.update(from: sums.data + d, count: d)
            return dx
        }
    }
}
