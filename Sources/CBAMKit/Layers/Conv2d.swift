import OneDNN

/// 2-D convolution (square kernel), as PyTorch's nn.Conv2d:
///
///     y[n, o] = Σ_c W[o, c] ⋆ x[n, c] + b[o]   (cross-correlation, with stride and zero padding)
///
/// on oneDNN, or on `DirectConvolution` for the tiny 2 → 1 map of CBAM's spatial gate.
/// Training runs 3×3 stride-1 fp32 convolutions by Winograd where that pays
/// (`ConvolutionAlgorithm.forTraining`); inference and explanations stay direct.
/// Weights are OIHW as in PyTorch; the output is blocked unless asked otherwise.
public final class Conv2d: Layer, PrecisionSelectable {
    public let weight: Parameter
    public let bias: Parameter?
    public let inputChannels, outputChannels, kernel, stride, padding: Int
    public let outputLayout: Layout
    /// fp32, or bf16 operands on oneDNN (the direct 2 → 1 convolution stays fp32).
    public var precision = Precision.fp32

    private var primitives: [PrimitiveKey: Convolution] = [:]
    /// Tiny plain convolutions (CBAM's 2 → 1 spatial conv) skip oneDNN, which has no fast kernel for them.
    private let direct: DirectConvolution?
    /// The forward's input, for backward: none when the primitive kept a bf16 copy of it
    /// (`Convolution.keepsBF16Input`), so that the float32 tensor can go back to the pool.
    private var input: Tensor?
    private var inputShape: [Int] = [], inputLayout = Layout.plain
    private var lastPrimitive: Convolution?

    private struct PrimitiveKey: Hashable {
        let geometry: Convolution.Geometry
        let training: Bool
    }

    /// Kaiming-normal weights (fan_out, ReLU gain) unless told otherwise, zero bias:
    /// the official CBAM code's initialisation of every `conv` (DESIGN.md).
    public init(_ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = false, outputLayout: Layout = .blocked,
                initialisation: WeightInitialisation = .kaimingNormalFanOut, generator: inout RandomGenerator) {
        self.inputChannels = inputChannels; self.outputChannels = outputChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        self.outputLayout = outputLayout
        let count = outputChannels * inputChannels * kernel * kernel
        weight = Parameter(Tensor(shape: [outputChannels, inputChannels, kernel, kernel],
                                  values: initialisation.values(count: count, fanIn: inputChannels * kernel * kernel,
                                                                fanOut: outputChannels * kernel * kernel, generator: &generator)))
        self.bias = bias ? Parameter(Tensor.zeros([outputChannels])) : nil
        direct = DirectConvolution.handles(inputChannels: inputChannels, outputChannels: outputChannels, kernel: kernel,
                                           stride: stride, padding: padding, input: .plain, output: outputLayout)
            ? DirectConvolution(inputChannels: inputChannels, outputChannels: outputChannels, kernel: kernel, padding: padding) : nil
    }

    /// The profile's name for this layer's time; the bf16 ones apart (the direct kernel is fp32).
    private var profileKind: String { Profiler.kind("convolution", precision == .bf16 && direct == nil ? .bf16 : .fp32) }

    /// The oneDNN implementations of the last forward pass's geometry ("jit:avx512_core",
    /// "ref:any"; with backward's for training), none on the direct kernel: which path a
    /// geometry takes, for tests and diagnoses.
    public var implementations: [String] { lastPrimitive?.implementations ?? [] }

    public var parameters: [(key: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func outputShape(for input: [Int]) -> [Int] {
        [input[0], outputChannels, (input[2] + 2 * padding - kernel) / stride + 1, (input[3] + 2 * padding - kernel) / stride + 1]
    }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        Profiler.measure(profileKind) {
            run(x, mode, weights: weight.value.data, bias: bias?.value.data, relu: false)
        }
    }

    /// Inference with the BatchNorm that follows folded in: weights scaled per output
    /// channel, its shift added as a bias, and its ReLU (if fused) run as a oneDNN
    /// post-op, so the BatchNorm pass disappears.
    public func forward(_ x: Tensor, foldingIn norm: BatchNorm2d) -> Tensor {
        Profiler.measure(profileKind) {
            let (scale, shift) = norm.inferenceAffine
            let folded = WeightFolding.fold(weights: weight.value, bias: bias?.value, scale: scale, shift: shift)
            return run(x, .inference, weights: folded.weights.data, bias: folded.bias.data, relu: norm.fusedReLU)
        }
    }

    private func run(_ x: Tensor, _ mode: Mode, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool) -> Tensor {
        precondition(x.shape.count == 4 && x.channels == inputChannels,
                     "Conv2d expects [N, \(inputChannels), H, W], got \(x.shape)")
        input = mode.keepsActivations ? x : nil
        (inputShape, inputLayout) = (x.shape, x.layout)
        if let direct, x.layout == .plain {
            let y = Tensor(shape: outputShape(for: x.shape), layout: .plain)
            direct.forward(x, weights: weights, bias: bias, into: y)
            lastPrimitive = nil
            return relu ? Elementwise.relu(y) : y
        }
        var geometry = Convolution.Geometry(
            batch: x.batch, inputChannels: inputChannels, outputChannels: outputChannels, height: x.height, width: x.width,
            kernel: kernel, stride: stride, padding: padding, hasBias: bias != nil,
            inputFormat: x.layout.activationFormat, outputFormat: outputLayout.activationFormat)
        geometry.fusedReLU = relu
        geometry.precision = precision
        if mode == .training { geometry.algorithm = ConvolutionAlgorithm.forTraining(geometry) }
        let key = PrimitiveKey(geometry: geometry, training: mode.keepsActivations)
        let primitive = primitives[key] ?? {
            let p = Convolution(geometry, training: key.training)
            primitives[key] = p
            return p
        }()
        let y = Tensor(shape: outputShape(for: x.shape), layout: outputLayout)
        primitive.forward(input: x.data, weights: weights, bias: bias, output: y.data)
        lastPrimitive = primitive
        if primitive.keepsBF16Input { input = nil }
        return y
    }

    /// ∂x = dy convolved back through the flipped kernels (the transposed convolution);
    /// fills ∂W[o, c] = Σₙ x[n, c] ⋆ dy[n, o] and ∂b[o] = Σ dy[·, o].
    public func backward(_ dy: Tensor) -> Tensor { backward(dy, inputGradient: true)! }

    /// Fills the parameter gradients and returns ∂L/∂input, or nil when not asked for
    /// it: the network's first layer has no use for it.
    @discardableResult
    public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
        Profiler.measure(profileKind) {
            if let direct, lastPrimitive == nil {
                guard let x = input else { preconditionFailure("Conv2d.backward without a forward that keeps activations") }
                direct.backwardWeights(x, dy, weightGradient: weight.gradient.data, biasGradient: bias?.gradient.data)
                guard inputGradient else { return nil }
                let dx = Tensor(shape: x.shape, layout: .plain)
                direct.backwardData(dy, weights: weight.value.data, into: dx)
                return dx
            }
            guard let primitive = lastPrimitive, input != nil || primitive.keepsBF16Input else {
                preconditionFailure("Conv2d.backward without a forward that keeps activations")
            }
            let dx = inputGradient ? Tensor(shape: inputShape, layout: inputLayout) : nil
            primitive.backward(input: input?.data, outputGradient: dy.data, weights: weight.value.data,
                               weightGradient: weight.gradient.data, biasGradient: bias?.gradient.data,
                               inputGradient: dx?.data)
            return dx
        }
    }
}
