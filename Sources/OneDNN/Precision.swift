import CDNNL

/// The arithmetic of convolutions and matrix products.
///
/// `bf16` is mixed precision (DESIGN.md): the primitives read bfloat16 copies of
/// their inputs and weights and write float32, so everything that accumulates
/// (outputs, gradients, master weights) stays float32 and callers never see bf16.
public enum Precision: String, Codable, Sendable, Hashable, CaseIterable {
    case fp32, bf16

    /// Whether this CPU has native bf16 dot products (oneDNN's `avx512_core_bf16` or
    /// later). Without them oneDNN would emulate bf16, slower than float32.
    public static var hasNativeBF16: Bool {
        let bf16 = dnnl_cpu_isa_avx512_core_bf16.rawValue
        return dnnl_get_effective_cpu_isa().rawValue & bf16 == bf16
    }

    var dataType: dnnl_data_type_t { self == .bf16 ? dnnl_bf16 : dnnl_f32 }
}

/// A bf16 copy of float32 operand memory, made by a oneDNN reorder into scratch
/// memory: how mixed-precision primitives get their inputs.
final class BF16Copy {
    private let reorder: Reorder
    let handle: MemoryHandle
    private let slot: ConversionScratch.Slot

    /// `source` describes the float32 memory; the copy has the same dims and layout.
    init(of source: dnnl_memory_desc_t, slot: ConversionScratch.Slot) {
        var target = source
        target.data_type = dnnl_bf16
        handle = MemoryHandle(target)
        reorder = Reorder(from: source, to: target)
        self.slot = slot
    }

    /// The bf16 memory, filled from the float32 values at `values`; valid until the
    /// next copy into the same slot.
    func convert(_ values: UnsafeRawPointer) -> dnnl_memory_t {
        let buffer = ConversionScratch.shared.buffer(slot, bytes: handle.byteCount)
        reorder.run(values, buffer)
        return handle.bind(buffer)
    }

    /// A bf16 copy owned by its user, for values read again later (a convolution's input,
    /// read by the forward and again by backward-weights).
    final class Kept {
        let buffer: AlignedBuffer
        init(bytes: Int) { buffer = AlignedBuffer(count: (bytes + 3) / 4) }
    }

    /// As `convert`, into `kept`.
    func convert(_ values: UnsafeRawPointer, into kept: Kept) -> dnnl_memory_t {
        precondition(kept.buffer.count * 4 >= handle.byteCount, "the kept copy is too small")
        reorder.run(values, kept.buffer.pointer)
        return handle.bind(kept.buffer.pointer)
    }

    var byteCount: Int { handle.byteCount }
}

/// Memory for the bf16 copies a primitive reads during one call, shared by every
/// primitive: they run one after another on the one stream, so a copy is dead once
/// its call returns. Two slots, because a call reads up to two converted operands
/// (a convolution's input and output gradient, a product's A and B). Each grows to
/// the largest copy asked of it, so memory is two activations' bf16 copies, not one
/// per layer.
final class ConversionScratch: @unchecked Sendable {
    enum Slot: Int { case first, second }

    static let shared = ConversionScratch()
    private var buffers: [AlignedBuffer?] = [nil, nil]

    func buffer(_ slot: Slot, bytes: Int) -> UnsafeMutableRawPointer {
        let floats = (bytes + 3) / 4
        if let buffer = buffers[slot.rawValue], buffer.count >= floats { return UnsafeMutableRawPointer(buffer.pointer) }
        let grown = AlignedBuffer(count: floats)
        buffers[slot.rawValue] = grown
        return UnsafeMutableRawPointer(grown.pointer)
    }
}
