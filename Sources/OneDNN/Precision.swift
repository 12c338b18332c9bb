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

/// A bf16 copy of float32 operand memory, made by a oneDNN reorder into a buffer
/// this object owns: how mixed-precision primitives get their inputs.
final class BF16Copy {
    private let reorder: Reorder
    let handle: MemoryHandle
    private let buffer: AlignedBuffer

    /// `source` describes the float32 memory; the copy has the same dims and layout.
    init(of source: dnnl_memory_desc_t) {
        var target = source
        target.data_type = dnnl_bf16
        handle = MemoryHandle(target)
        buffer = AlignedBuffer(count: (handle.byteCount + 3) / 4)
        reorder = Reorder(from: source, to: target)
    }

    /// The bf16 memory, filled from the float32 values at `values`.
    func convert(_ values: UnsafeRawPointer) -> dnnl_memory_t {
        reorder.run(values, buffer.pointer)
        return handle.bind(buffer.pointer)
    }
}
