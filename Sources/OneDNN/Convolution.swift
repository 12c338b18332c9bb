import CDNNL

/// A 2-D convolution on oneDNN, created for one geometry and run many times.
///
/// Weights cross this API in PyTorch's OIHW order (and bias as a vector); inside,
/// they are reordered to whatever blocked layout each primitive picked, which
/// costs little next to the convolution and keeps parameters simple everywhere else.
/// In bf16 (`Geometry.precision`) the primitives read bf16 copies of the input, the
/// weights and the output gradient, made here; every pointer across this API is float32.
public final class Convolution {
    public struct Geometry: Hashable, Sendable {
        public var batch, inputChannels, outputChannels, height, width: Int
        public var kernel, stride, padding: Int
        public var hasBias: Bool
        public var inputFormat, outputFormat: ActivationFormat
        /// ReLU applied to the output inside the convolution (a oneDNN post-op; forward only).
        public var fusedReLU = false
        /// The arithmetic: float32, or bf16 operands with float32 results.
        public var precision = Precision.fp32
        /// Direct, or Winograd where oneDNN implements it for this geometry (else direct).
        public var algorithm = ConvolutionAlgorithm.direct

        public init(batch: Int, inputChannels: Int, outputChannels: Int, height: Int, width: Int,
                    kernel: Int, stride: Int, padding: Int, hasBias: Bool,
                    inputFormat: ActivationFormat, outputFormat: ActivationFormat) {
            self.batch = batch; self.inputChannels = inputChannels; self.outputChannels = outputChannels
            self.height = height; self.width = width; self.kernel = kernel; self.stride = stride
            self.padding = padding; self.hasBias = hasBias
            self.inputFormat = inputFormat; self.outputFormat = outputFormat
        }

        public var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
        public var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
        // As oneDNN is told them: channels of blocked activations padded to whole blocks (`ChannelPadding`).
        var inputDims: [Int] { [batch, describedInputChannels, height, width] }
        var outputDims: [Int] { [batch, describedOutputChannels, outputHeight, outputWidth] }
        var weightDims: [Int] { [describedOutputChannels, describedInputChannels, kernel, kernel] }
    }

    public let geometry: Geometry
    private let training: Bool
    private let forwardPrimitive: Primitive
    private let forwardWeights: ReorderedCopy
    private let src: Operand
    private let dst, bias: MemoryHandle
    /// Zero channels added to the weights and bias when a blocked side has a partial block.
    private let padding: ChannelPadding?
    private lazy var backwardData = BackwardData(geometry, hint: forwardPrimitive)
    private lazy var backwardWeights = BackwardWeights(geometry, hint: forwardPrimitive)
    /// ∂L/∂output as both backward primitives read it (converted once in bf16).
    private lazy var diffDst = Operand(ConvolutionDescriptors(geometry).output, geometry.precision, slot: .second)
    /// The forward's bf16 input, which backward-weights reads (`keepsBF16Input`).
    private lazy var keptInput = BF16Copy.Kept(bytes: ConvolutionDescriptors(geometry).bf16InputBytes)

    /// Training in bf16: the forward keeps its bf16 copy of the input and backward-weights
    /// reads that, so the input is converted once per step, and the caller need not keep
    /// the float32 input.
    public var keepsBF16Input: Bool { training && geometry.precision == .bf16 }

    public init(_ geometry: Geometry, training: Bool) {
        self.geometry = geometry
        self.training = training
        var d = ConvolutionDescriptors(geometry)
        forwardPrimitive = Self.primitive(geometry, postOps: geometry.fusedReLU ? [.relu] : [], "convolution \(geometry)") { algorithm in
            var desc = dnnl_convolution_desc_t()
            withOptionalPointer(to: d.optionalBias) { biasPointer in
                check(dnnl_convolution_forward_desc_init(
                    &desc, training ? dnnl_forward_training : dnnl_forward_inference, algorithm,
                    &d.computeInput, &d.anyWeights, biasPointer, &d.computeOutput, d.strides, d.padding, d.padding), "describing convolution \(geometry)")
            }
            return desc
        }
        forwardWeights = d.weights(chosenBy: forwardPrimitive, query: dnnl_query_weights_md)
        src = Operand(d.input, geometry.precision, slot: .first)
        dst = MemoryHandle(d.output)
        bias = MemoryHandle(d.bias)
        padding = ChannelPadding(geometry)
    }

    /// The primitive `describe` gives for the geometry's algorithm, or for the direct
    /// algorithm where oneDNN does not implement that one here.
    fileprivate static func primitive(_ g: Geometry, postOps: [PostOp] = [], hint: Primitive? = nil, _ what: @autoclosure () -> String,
                                      describe: (dnnl_alg_kind_t) -> dnnl_convolution_desc_t) -> Primitive {
        if g.algorithm == .winograd, let winograd = Primitive(ifImplemented: describe(dnnl_convolution_winograd), postOps: postOps, hint: hint) {
            return winograd
        }
        return Primitive(describing: describe(dnnl_convolution_direct), postOps: postOps, hint: hint, what())
    }

    /// The oneDNN implementations the passes run, as DNNL_VERBOSE names them ("jit:avx512_core",
    /// "ref:any"): the forward's, then for training backward-data's and backward-weights'
    /// (created here if no backward pass has run yet).
    public var implementations: [String] {
        ([forwardPrimitive] + (training ? [backwardData.primitive, backwardWeights.primitive] : [])).map(\.implementation)
    }

    /// output = input ⊛ weights (+ bias).
    public func forward(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias biasValues: UnsafePointer<Float>?,
                        output: UnsafeMutablePointer<Float>) {
        let source = keepsBF16Input ? src.bind(input, keepingCopyIn: keptInput) : src.bind(input)
        var args = [(Argument.src, source), (Argument.weights, forwardWeights.load(padding?.padded(weights: weights) ?? weights)),
                    (Argument.dst, dst.bind(output))]
        if geometry.hasBias, let biasValues { args.append((Argument.bias, bias.bind(padding?.padded(bias: biasValues) ?? biasValues))) }
        forwardPrimitive.execute(args)
    }

    /// Given ∂L/∂output and the forward's input: weightGradient (OIHW) and biasGradient
    /// = ∂L/∂weights and ∂L/∂bias, overwritten, and inputGradient = ∂L/∂input when asked for.
    /// `input` may be nil when `keepsBF16Input` (the forward kept its copy).
    public func backward(input: UnsafePointer<Float>?, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                         weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
                         inputGradient: UnsafeMutablePointer<Float>?) {
        let dy = diffDst.bind(outputGradient)
        let source = backwardWeights.src.bind(keepsBF16Input ? UnsafeRawPointer(keptInput.buffer.pointer) : UnsafeRawPointer(input!))
        if let padding {
            backwardWeights.run(source: source, outputGradient: dy, weightGradient: padding.weightGradient.pointer,
                                biasGradient: biasGradient == nil ? nil : padding.biasGradient.pointer)
            padding.copyGradients(weights: weightGradient, bias: biasGradient)
        } else {
            backwardWeights.run(source: source, outputGradient: dy, weightGradient: weightGradient, biasGradient: biasGradient)
        }
        if let inputGradient {
            backwardData.run(outputGradient: dy, weights: padding?.padded(weights: weights) ?? weights, inputGradient: inputGradient)
        }
    }
}

/// What the forward, backward-data and backward-weights primitives of one geometry
/// are all described with: the activations in their formats (float32, as callers
/// hold them, and as the primitives read them), the weights in the layout each
/// primitive picks (`any`) and in PyTorch's OIHW, the bias, the strides and the padding.
private struct ConvolutionDescriptors {
    let input, output: dnnl_memory_desc_t
    /// The operands as the primitives read them: bf16 in mixed precision.
    var computeInput, computeOutputGradient, anyWeights: dnnl_memory_desc_t
    /// The output (and ∂input) is always float32; ∂weights too, so that they accumulate in float32.
    var computeOutput, anyWeightGradient: dnnl_memory_desc_t
    let plainWeights, bias: dnnl_memory_desc_t
    /// The bias as the descriptor functions take it: nil when the convolution has none.
    let optionalBias: dnnl_memory_desc_t?
    let strides, padding: [dnnl_dim_t]

    /// The size of the input's bf16 copy.
    var bf16InputBytes: Int {
        var md = input
        md.data_type = dnnl_bf16
        return dnnl_memory_desc_get_size(&md)
    }

    init(_ g: Convolution.Geometry) {
        input = memoryDescriptor(g.inputDims, tag: g.inputFormat.tag)
        output = memoryDescriptor(g.outputDims, tag: g.outputFormat.tag)
        computeInput = memoryDescriptor(g.inputDims, tag: g.inputFormat.tag, type: g.precision.dataType)
        computeOutputGradient = memoryDescriptor(g.outputDims, tag: g.outputFormat.tag, type: g.precision.dataType)
        computeOutput = output
        anyWeights = memoryDescriptor(g.weightDims, tag: dnnl_format_tag_any, type: g.precision.dataType)
        anyWeightGradient = memoryDescriptor(g.weightDims, tag: dnnl_format_tag_any)
        plainWeights = memoryDescriptor(g.weightDims, tag: dnnl_oihw)
        bias = memoryDescriptor([g.describedOutputChannels], tag: dnnl_x)
        optionalBias = g.hasBias ? bias : nil
        strides = dnnlDims([g.stride, g.stride])
        padding = dnnlDims([g.padding, g.padding])
    }

    /// OIHW weights kept in step with the layout `primitive` chose for `query`.
    func weights(chosenBy primitive: Primitive, query: dnnl_query_t) -> ReorderedCopy {
        ReorderedCopy(plain: plainWeights, chosen: primitive.memoryDescriptor(query))
    }
}

private final class BackwardData {
    let primitive: Primitive
    let weights: ReorderedCopy
    let diffSrc: MemoryHandle

    init(_ g: Convolution.Geometry, hint: Primitive) {
        var d = ConvolutionDescriptors(g)
        var diffSrcDescriptor = d.input
        primitive = Convolution.primitive(g, hint: hint, "convolution backward data \(g)") { algorithm in
            var desc = dnnl_convolution_desc_t()
            check(dnnl_convolution_backward_data_desc_init(&desc, algorithm, &diffSrcDescriptor, &d.anyWeights,
                                                           &d.computeOutputGradient, d.strides, d.padding, d.padding),
                  "describing convolution backward data")
            return desc
        }
        weights = d.weights(chosenBy: primitive, query: dnnl_query_weights_md)
        diffSrc = MemoryHandle(d.input)
    }

    func run(outputGradient: dnnl_memory_t, weights plainWeights: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>) {
        primitive.execute([(Argument.diffDst, outputGradient), (Argument.weights, weights.load(plainWeights)),
                           (Argument.diffSrc, diffSrc.bind(inputGradient))])
    }
}

private final class BackwardWeights {
    let primitive: Primitive
    let weights: ReorderedCopy
    /// The forward's input as the primitive reads it: float32, or in bf16 the copy the
    /// forward kept (training in bf16 always keeps it: `Convolution.keepsBF16Input`).
    let src: MemoryHandle
    let diffBias: MemoryHandle
    let hasBias: Bool

    init(_ g: Convolution.Geometry, hint: Primitive) {
        var d = ConvolutionDescriptors(g)
        primitive = Convolution.primitive(g, hint: hint, "convolution backward weights \(g)") { algorithm in
            var desc = dnnl_convolution_desc_t()
            withOptionalPointer(to: d.optionalBias) { biasPointer in
                check(dnnl_convolution_backward_weights_desc_init(&desc, algorithm, &d.computeInput, &d.anyWeightGradient,
                                                                  biasPointer, &d.computeOutputGradient, d.strides, d.padding, d.padding),
                      "describing convolution backward weights")
            }
            return desc
        }
        weights = d.weights(chosenBy: primitive, query: dnnl_query_diff_weights_md)
        src = MemoryHandle(d.computeInput)
        diffBias = MemoryHandle(d.bias)
        hasBias = g.hasBias
    }

    /// `source`: the forward's input, bound through `src`.
    func run(source: dnnl_memory_t, outputGradient: dnnl_memory_t,
             weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?) {
        var args = [(Argument.src, source), (Argument.diffDst, outputGradient),
                    (Argument.diffWeights, weights.target(weightGradient))]
        if hasBias, let biasGradient { args.append((Argument.diffBias, diffBias.bind(biasGradient))) }
        primitive.execute(args)
        weights.store(weightGradient)
    }
}
