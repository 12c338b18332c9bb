import OneDNN

/// y = x·Wᵀ + b on rows of a plain [N, in] tensor, with W as PyTorch's [out, in].
public final class Linear: Layer, PrecisionSelectable {
    public let weight: Parameter
    public let bias: Parameter?
    public let inputFeatures, outputFeatures: Int
    /// fp32, or bf16 operands with fp32 results (the products only; the bias adds in fp32).
    /// Products below `smallestBF16Product` run in fp32 whatever this says.
    public var precision = Precision.fp32

    /// Multiply-adds (rows · in · out) below which a product runs in fp32 even in bf16:
    /// converting the operands then costs more than bf16 saves. CBAM's and SE's
    /// bottleneck MLPs and the head are such products (resnet-small with CBAM, batch
    /// 128: its products took 3.6 ms of a training step in bf16, 1.7 ms in fp32).
    public static let smallestBF16Product = 1 << 22

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

    /// The precision the products of a pass over `rows` rows run in.
    private func precision(rows: Int) -> Precision {
        rows * inputFeatures * outputFeatures >= Linear.smallestBF16Product ? precision : .fp32
    }

    private func product(_ geometry: MatrixMultiply.Geometry, _ precision: Precision) -> MatrixMultiply {
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
        let rows = x.count / inputFeatures, precision = precision(rows: rows)
        return Profiler.measure(Profiler.kind("linear", precision)) {
            precondition(x.layout == .plain && x.shape.last == inputFeatures, "Linear expects [..., \(inputFeatures)], got \(x.shape)")
            product(.init(m: rows, n: outputFeatures, k: inputFeatures, transposeB: true, hasBias: bias != nil, epilogue: epilogue), precision)
                .run(x.data, weight.value.data, bias: bias?.value.data, into: y.data)
            input = mode.keepsActivations ? x : nil
            return y
        }
    }

    /// ∂x = dy·W; fills ∂W = dyᵀ·x and ∂b = Σ rows of dy.
    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Linear.backward without a forward that keeps activations") }
        let rows = x.count / inputFeatures, precision = precision(rows: rows)
        return Profiler.measure(Profiler.kind("linear", precision)) {
            product(.init(m: outputFeatures, n: inputFeatures, k: rows, transposeA: true), precision)
                .run(dy.data, x.data, into: weight.gradient.data)
            if let bias { ColumnSums.sum(dy.data, rows: rows, columns: outputFeatures, into: bias.gradient.data) }
            let dx = Tensor(shape: x.shape)
            product(.init(m: rows, n: inputFeatures, k: outputFeatures), precision).run(dy.data, weight.value.data, into: dx.data)
            return dx
        }
    }
}
