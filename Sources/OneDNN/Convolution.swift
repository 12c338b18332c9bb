import CDNNL

/// A 2-D convolution on oneDNN, created for one geometry and run many times.
///
/// Weights cross this API in PyTorch's OIHW order (and bias as a vector); inside,
/// they are reordered to whatever blocked layout each primitive picked, which
/// costs little next to the convolution and keeps parameters simple everywhere else.
public final class Convolution {
    public struct Geometry: Hashable, Sendable {
        public var batch, inputChannels, outputChannels, height, width: Int
        public var kernel, stride, padding: Int
        public var hasBias: Bool
        public var inputFormat, outputFormat: ActivationFormat
        /// ReLU applied to the output inside the convolution (a oneDNN post-op; forward only).
        public var fusedReLU = false

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
        var inputDims: [Int] { [batch, inputChannels, height, width] }
        var outputDims: [Int] { [batch, outputChannels, outputHeight, outputWidth] }
        var weightDims: [Int] { [outputChannels, inputChannels, kernel, kernel] }
    }

    public let geometry: Geometry
    private let forwardPrimitive: Primitive
    private let forwardWeights: ReorderedCopy
    private let src, dst, bias: MemoryHandle
    private lazy var backwardData = BackwardData(geometry, hint: forwardPrimitive)
    private lazy var backwardWeights = BackwardWeights(geometry, hint: forwardPrimitive)

    public init(_ geometry: Geometry, training: Bool) {
        self.geometry = geometry
        var d = ConvolutionDescriptors(geometry)
        var desc = dnnl_convolution_desc_t()
        withOptionalPointer(to: d.optionalBias) { biasPointer in
            check(dnnl_convolution_forward_desc_init(
                &desc, training ? dnnl_forward_training : dnnl_forward_inference, dnnl_convolution_direct,
                &d.input, &d.anyWeights, biasPointer, &d.output, d.strides, d.padding, d.padding), "describing convolution \(geometry)")
        }
        forwardPrimitive = Primitive(describing: desc, postOps: geometry.fusedReLU ? [.relu] : [], "convolution \(geometry)")
        forwardWeights = d.weights(chosenBy: forwardPrimitive, query: dnnl_query_weights_md)
        src = MemoryHandle(d.input)
        dst = MemoryHandle(d.output)
        bias = MemoryHandle(d.bias)
    }

    /// output = input ⊛ weights (+ bias).
    public func forward(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias biasValues: UnsafePointer<Float>?,
                        output: UnsafeMutablePointer<Float>) {
        var args = [(Argument.src, src.bind(input)), (Argument.weights, forwardWeights.load(weights)),
                    (Argument.dst, dst.bind(output))]
        if geometry.hasBias, let biasValues { args.append((Argument.bias, bias.bind(biasValues))) }
        forwardPrimitive.execute(args)
    }

    /// inputGradient = ∂L/∂input, given ∂L/∂output.
    public func backward(outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                         inputGradient: UnsafeMutablePointer<Float>) {
        backwardData.run(outputGradient: outputGradient, weights: weights, inputGradient: inputGradient)
    }

    /// weightGradient (OIHW) and biasGradient = ∂L/∂weights and ∂L/∂bias, overwritten.
    public func weightGradients(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                                weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?) {
        backwardWeights.run(input: input, outputGradient: outputGradient, weightGradient: weightGradient, biasGradient: biasGradient)
    }
}

/// What the forward, backward-data and backward-weights primitives of one geometry
/// are all described with: the activations in their formats, the weights in the
/// layout each primitive picks (`any`) and in PyTorch's OIHW, the bias, the strides
/// and the padding.
private struct ConvolutionDescriptors {
    var input, output, anyWeights: dnnl_memory_desc_t
    let plainWeights, bias: dnnl_memory_desc_t
    /// The bias as the descriptor functions take it: nil when the convolution has none.
    let optionalBias: dnnl_memory_desc_t?
    let strides, padding: [dnnl_dim_t]

    init(_ g: Convolution.Geometry) {
        input = memoryDescriptor(g.inputDims, tag: g.inputFormat.tag)
        output = memoryDescriptor(g.outputDims, tag: g.outputFormat.tag)
        anyWeights = memoryDescriptor(g.weightDims, tag: dnnl_format_tag_any)
        plainWeights = memoryDescriptor(g.weightDims, tag: dnnl_oihw)
        bias = memoryDescriptor([g.outputChannels], tag: dnnl_x)
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
    let diffSrc, diffDst: MemoryHandle

    init(_ g: Convolution.Geometry, hint: Primitive) {
        var d = ConvolutionDescriptors(g)
        var desc = dnnl_convolution_desc_t()
        check(dnnl_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &d.input, &d.anyWeights, &d.output,
                                                       d.strides, d.padding, d.padding), "describing convolution backward data")
        primitive = Primitive(describing: desc, hint: hint, "convolution backward data \(g)")
        weights = d.weights(chosenBy: primitive, query: dnnl_query_weights_md)
        diffSrc = MemoryHandle(d.input)
        diffDst = MemoryHandle(d.output)
    }

    func run(outputGradient: UnsafePointer<Float>, weights plainWeights: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>) {
        primitive.execute([(Argument.diffDst, diffDst.bind(outputGradient)), (Argument.weights, weights.load(plainWeights)),
                           (Argument.diffSrc, diffSrc.bind(inputGradient))])
    }
}

private final class BackwardWeights {
    let primitive: Primitive
    let weights: ReorderedCopy
    let src, diffDst, diffBias: MemoryHandle
    let hasBias: Bool

    init(_ g: Convolution.Geometry, hint: Primitive) {
        var d = ConvolutionDescriptors(g)
        var desc = dnnl_convolution_desc_t()
        withOptionalPointer(to: d.optionalBias) { biasPointer in
            check(dnnl_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &d.input, &d.anyWeights,
                                                              biasPointer, &d.output, d.strides, d.padding, d.padding),
                  "describing convolution backward weights")
        }
        primitive = Primitive(describing: desc, hint: hint, "convolution backward weights \(g)")
        weights = d.weights(chosenBy: primitive, query: dnnl_query_diff_weights_md)
        src = MemoryHandle(d.input)
        diffDst = MemoryHandle(d.output)
        diffBias = MemoryHandle(d.bias)
        hasBias = g.hasBias
    }

    func run(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
             weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?) {
        var args = [(Argument.src, src.bind(input)), (Argument.diffDst, diffDst.bind(outputGradient)),
                    (Argument.diffWeights, weights.target(weightGradient))]
        if hasBias, let biasGradient { args.append((Argument.diffBias, diffBias.bind(biasGradient))) }
        primitive.execute(args)
        weights.store(weightGradient)
    }
}
