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
        var srcMD = memoryDescriptor(geometry.inputDims, tag: geometry.inputFormat.tag)
        var dstMD = memoryDescriptor(geometry.outputDims, tag: geometry.outputFormat.tag)
        var anyWeights = memoryDescriptor(geometry.weightDims, tag: dnnl_format_tag_any)
        let biasMD = memoryDescriptor([geometry.outputChannels], tag: dnnl_x)
        var desc = dnnl_convolution_desc_t()
        let strides = dnnlDims([geometry.stride, geometry.stride])
        let padding = dnnlDims([geometry.padding, geometry.padding])
        withOptionalPointer(to: geometry.hasBias ? biasMD : nil) { biasPointer in
            check(dnnl_convolution_forward_desc_init(
                &desc, training ? dnnl_forward_training : dnnl_forward_inference, dnnl_convolution_direct,
                &srcMD, &anyWeights, biasPointer, &dstMD, strides, padding, padding), "describing convolution \(geometry)")
        }
        var attributes: dnnl_primitive_attr_t?
        check(dnnl_primitive_attr_create(&attributes), "creating convolution attributes")
        defer { dnnl_primitive_attr_destroy(attributes) }
        if geometry.fusedReLU {
            var postOps: dnnl_post_ops_t?
            check(dnnl_post_ops_create(&postOps), "creating post-ops")
            check(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, 0, 0), "appending ReLU")
            check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "setting post-ops")
            dnnl_post_ops_destroy(postOps)
        }
        var pd: dnnl_primitive_desc_t?
        check(dnnl_primitive_desc_create(&pd, &desc, attributes, Engine.shared.engine, nil), "creating convolution \(geometry)")
        forwardPrimitive = Primitive(descriptor: pd!)
        forwardWeights = ReorderedCopy(plain: memoryDescriptor(geometry.weightDims, tag: dnnl_oihw),
                                       chosen: forwardPrimitive.memoryDescriptor(dnnl_query_weights_md))
        src = MemoryHandle(srcMD)
        dst = MemoryHandle(dstMD)
        bias = MemoryHandle(biasMD)
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

private final class BackwardData {
    let primitive: Primitive
    let weights: ReorderedCopy
    let diffSrc, diffDst: MemoryHandle

    init(_ g: Convolution.Geometry, hint: Primitive) {
        var diffSrcMD = memoryDescriptor(g.inputDims, tag: g.inputFormat.tag)
        var diffDstMD = memoryDescriptor(g.outputDims, tag: g.outputFormat.tag)
        var anyWeights = memoryDescriptor(g.weightDims, tag: dnnl_format_tag_any)
        var desc = dnnl_convolution_desc_t()
        let strides = dnnlDims([g.stride, g.stride])
        let padding = dnnlDims([g.padding, g.padding])
        check(dnnl_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &diffSrcMD, &anyWeights, &diffDstMD,
                                                       strides, padding, padding), "describing convolution backward data")
        var pd: dnnl_primitive_desc_t?
        check(dnnl_primitive_desc_create(&pd, &desc, nil, Engine.shared.engine, hint.descriptor), "creating convolution backward data \(g)")
        primitive = Primitive(descriptor: pd!)
        weights = ReorderedCopy(plain: memoryDescriptor(g.weightDims, tag: dnnl_oihw),
                                chosen: primitive.memoryDescriptor(dnnl_query_weights_md))
        diffSrc = MemoryHandle(diffSrcMD)
        diffDst = MemoryHandle(diffDstMD)
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
        var srcMD = memoryDescriptor(g.inputDims, tag: g.inputFormat.tag)
        var diffDstMD = memoryDescriptor(g.outputDims, tag: g.outputFormat.tag)
        var anyWeights = memoryDescriptor(g.weightDims, tag: dnnl_format_tag_any)
        let biasMD = memoryDescriptor([g.outputChannels], tag: dnnl_x)
        var desc = dnnl_convolution_desc_t()
        let strides = dnnlDims([g.stride, g.stride])
        let padding = dnnlDims([g.padding, g.padding])
        withOptionalPointer(to: g.hasBias ? biasMD : nil) { biasPointer in
            check(dnnl_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &srcMD, &anyWeights,
                                                              biasPointer, &diffDstMD, strides, padding, padding),
                  "describing convolution backward weights")
        }
        var pd: dnnl_primitive_desc_t?
        check(dnnl_primitive_desc_create(&pd, &desc, nil, Engine.shared.engine, hint.descriptor), "creating convolution backward weights \(g)")
        primitive = Primitive(descriptor: pd!)
        weights = ReorderedCopy(plain: memoryDescriptor(g.weightDims, tag: dnnl_oihw),
                                chosen: primitive.memoryDescriptor(dnnl_query_diff_weights_md))
        src = MemoryHandle(srcMD)
        diffDst = MemoryHandle(diffDstMD)
        diffBias = MemoryHandle(biasMD)
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
