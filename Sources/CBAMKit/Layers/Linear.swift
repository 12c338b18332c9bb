import OneDNN

/// y = x·Wᵀ + b on rows of a plain [N, in] tensor, with W as PyTorch's [out, in].
public final class Linear: Layer, PrecisionSelectable {
    public let weight: Parameter
    public let bias: Parameter?
    public let inputFeatures, outputFeatures: Int
    /// fp32, or bf16 operands with fp32 results (the products only; the bias adds in fp32).
    public var precision = Precision.fp32

    private var products: [MatrixMultiply.Geometry: MatrixMultiply] = [:]
    private var input: Tensor?

    /// PyTorch's default weights, U(−1/√in, 1/√in), unless told otherwise; biases start
    /// at zero (DESIGN.md).
    public init(_ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true,
                initialisation: WeightInitialisation = .pytorchDefault, generator: inout RandomGenerator) {
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        weight = Parameter(Tensor(shape: [outputFeatures, inputFeatures],
                                  values: initialisation.values(count: inputFeatures * outputFeatures, fanIn: inputFeatures,
                                                                fanOut: outputFeatures, generator: &generator)))
        self.bias = bias ? Parameter(Tensor.zeros([outputFeatures])) : nil
    }

    public var parameters: [(key: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    private func product(_ geometry: MatrixMultiply.Geometry) -> MatrixMultiply {
        var g = geometry
        g.precision = precision
        if let p = products[g] { return p }
        let p = MatrixMultiply(g)
        products[g] = p
        return p
    }

    /// Rows are everything but the last dimension, which must be `inputFeatures`.
    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        run(x, mode, into: Tensor(shape: Array(x.shape.dropLast()) + [outputFeatures]), epilogue: .none)
    }

    /// out += x·Wᵀ + b, in place, returning `out`: a residual branch that ends in this
    /// layer adds into the residual stream inside the product (oneDNN's sum post-op).
    @discardableResult
    public func forward(_ x: Tensor, _ mode: Mode, addingTo out: Tensor) -> Tensor {
        precondition(out.layout == .plain && out.count == x.count / inputFeatures * outputFeatures, "Linear adds into [..., \(outputFeatures)], got \(out.shape)")
        return run(x, mode, into: out, epilogue: .accumulate)
    }

    /// GELU(x·Wᵀ + b) in one oneDNN call. Inference only: backward would need the
    /// pre-activation, which the fused form never writes.
    public func forwardGELU(_ x: Tensor) -> Tensor {
        run(x, .inference, into: Tensor(shape: Array(x.shape.dropLast()) + [outputFeatures]), epilogue: .geluErf)
    }

    private func run(_ x: Tensor, _ mode: Mode, into y: Tensor, epilogue: MatrixMultiply.Epilogue) -> Tensor {
        Profiler.measure(Profiler.kind("linear", precision)) {
            precondition(x.layout == .plain && x.shape.last == inputFeatures, "Linear expects [..., \(inputFeatures)], got \(x.shape)")
            let rows = x.count / inputFeatures
            product(.init(m: rows, n: outputFeatures, k: inputFeatures, transposeB: true, hasBias: bias != nil, epilogue: epilogue))
                .run(x.data, weight.value.data, bias: bias?.value.data, into: y.data)
            input = mode.keepsActivations ? x : nil
            return y
        }
    }

    /// ∂x = dy·W; fills ∂W = dyᵀ·x and ∂b = Σ rows of dy.
    public func backward(_ dy: Tensor) -> Tensor {
        Profiler.measure(Profiler.kind("linear", precision)) {
            guard let x = input else { preconditionFailure("Linear.backward without a forward that keeps activations") }
            let rows = x.count / inputFeatures
            product(.init(m: outputFeatures, n: inputFeatures, k: rows, transposeA: true))
                .run(dy.data, x.data, into: weight.gradient.data)
            if let bias { ColumnSums.sum(dy.data, rows: rows, columns: outputFeatures, into: bias.gradient.data) }
            let dx = Tensor(shape: x.shape)
            product(.init(m: rows, n: inputFeatures, k: outputFeatures)).run(dy.data, weight.value.data, into: dx.data)
            return dx
        }
    }
}
