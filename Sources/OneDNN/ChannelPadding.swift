/// oneDNN 2.6 runs convolutions on blocked (nChw16c) activations with its jit kernels
/// only when the channels fill whole blocks: at 4 or 8 channels (small base widths)
/// it falls back to its reference code, 20–50× slower (fp32 forward and ∂weights with
/// a partial input block; bf16 ∂weights with a partial output block). Blocked
/// activations already store their channels padded with zeros to whole blocks, so the
/// convolution is described to oneDNN with the padded counts, and with weights and
/// bias that are zero in the extra channels: the padding adds nothing to any output,
/// the outputs' padding comes out zero (as the layout requires), and so does ∂input's;
/// the extra channels' gradients are dropped.
final class ChannelPadding {
    private let inputs, paddedInputs, outputs, paddedOutputs, kernelArea: Int
    /// OIHW weights and the bias with the padded channel counts, zero in the extra channels.
    private let weights, bias: AlignedBuffer
    /// ∂L/∂weights and ∂L/∂bias as the primitives write them, in the same padded shapes.
    let weightGradient, biasGradient: AlignedBuffer

    /// Padding for `geometry`, or nil when its channels need none.
    init?(_ geometry: Convolution.Geometry) {
        guard geometry.describedInputChannels != geometry.inputChannels
                || geometry.describedOutputChannels != geometry.outputChannels else { return nil }
        inputs = geometry.inputChannels
        paddedInputs = geometry.describedInputChannels
        outputs = geometry.outputChannels
        paddedOutputs = geometry.describedOutputChannels
        kernelArea = geometry.kernel * geometry.kernel
        let count = paddedOutputs * paddedInputs * kernelArea
        weights = AlignedBuffer(count: count)
        weights.pointer.initialize(repeating: 0, count: count)
        bias = AlignedBuffer(count: paddedOutputs)
        bias.pointer.initialize(repeating: 0, count: paddedOutputs)
        weightGradient = AlignedBuffer(count: count)
        biasGradient = AlignedBuffer(count: paddedOutputs)
    }

    /// `plain` (OIHW with the real channel counts) with zero channels added.
    func padded(weights plain: UnsafePointer<Float>) -> UnsafePointer<Float> {
        let row = inputs * kernelArea, paddedRow = paddedInputs * kernelArea
        for o in 0..<outputs {
            (weights.pointer + o * paddedRow).update(from: plain + o * row, count: row)
        }
        return UnsafePointer(weights.pointer)
    }

    /// `plain` (one value per real output channel) with zeros added.
    func padded(bias plain: UnsafePointer<Float>) -> UnsafePointer<Float> {
        bias.pointer.update(from: plain, count: outputs)
        return UnsafePointer(bias.pointer)
    }

    /// Copies the real channels of `weightGradient` (and `biasGradient`) out to
    /// `weights` (OIHW with the real channel counts) and `bias`.
    func copyGradients(weights plain: UnsafeMutablePointer<Float>, bias plainBias: UnsafeMutablePointer<Float>?) {
        let row = inputs * kernelArea, paddedRow = paddedInputs * kernelArea
        for o in 0..<outputs {
            (plain + o * row).update(from: weightGradient.pointer + o * paddedRow, count: row)
        }
        plainBias?.update(from: biasGradient.pointer, count: outputs)
    }
}

extension Convolution.Geometry {
    /// Input channels as oneDNN is told them: rounded up to whole blocks for blocked input.
    var describedInputChannels: Int { inputFormat.wholeBlocks(inputChannels) }
    /// Output channels as oneDNN is told them: rounded up to whole blocks for blocked output.
    var describedOutputChannels: Int { outputFormat.wholeBlocks(outputChannels) }
}

private extension ActivationFormat {
    func wholeBlocks(_ channels: Int) -> Int { (channels + channelBlock - 1) / channelBlock * channelBlock }
}
