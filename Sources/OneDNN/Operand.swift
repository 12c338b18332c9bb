import CDNNL

/// Float32 activations as a primitive reads them: bound as they are, or (bf16) through
/// a bf16 copy made on each bind.
final class Operand {
    private let direct: MemoryHandle?
    private let copy: BF16Copy?

    init(_ descriptor: dnnl_memory_desc_t, _ precision: Precision, slot: ConversionScratch.Slot) {
        direct = precision == .fp32 ? MemoryHandle(descriptor) : nil
        copy = precision == .bf16 ? BF16Copy(of: descriptor, slot: slot) : nil
    }

    func bind(_ values: UnsafeRawPointer) -> dnnl_memory_t {
        if let copy { return copy.convert(values) }
        return direct!.bind(values)
    }

    /// bf16: the copy made into `kept` instead of the shared scratch, so that a later call
    /// can bind it again without converting the same values twice.
    func bind(_ values: UnsafeRawPointer, keepingCopyIn kept: BF16Copy.Kept) -> dnnl_memory_t {
        copy!.convert(values, into: kept)
    }
}
