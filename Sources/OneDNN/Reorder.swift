import CDNNL
import Glibc

/// Copies between two layouts of the same logical tensor (for example PyTorch's
/// OIHW weights and the blocked layout a convolution picked).
final class Reorder {
    private let primitive: Primitive
    private let source: MemoryHandle
    private let destination: MemoryHandle

    init(from source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t) {
        var src = source, dst = destination
        var pd: dnnl_primitive_desc_t?
        let engine = Engine.shared.engine
        check(dnnl_reorder_primitive_desc_create(&pd, &src, engine, &dst, engine, nil), "creating a reorder")
        primitive = Primitive(descriptor: pd!)
        self.source = MemoryHandle(source)
        self.destination = MemoryHandle(destination)
    }

    func run(_ from: UnsafeRawPointer, _ to: UnsafeMutableRawPointer) {
        primitive.execute([(Argument.src, source.bind(from)), (Argument.dst, destination.bind(to))])
    }
}

/// Memory in a layout a primitive chose, kept in sync with a plain-layout copy.
///
/// Loading weights reorders them only when they changed since the last load: the
/// plain values loaded last are kept and compared first. Inference runs the same
/// weights call after call (at batch 1 the reorders cost as much as the convolutions);
/// in training they change every step, and the comparison stops at the first difference.
final class ReorderedCopy {
    let buffer: AlignedBuffer
    let handle: MemoryHandle
    private let toChosen: Reorder?
    private let toPlain: Reorder?
    private let plainBytes: Int
    /// The plain values the buffer was last filled from (nil until the first load).
    private var loaded: AlignedBuffer?

    init(plain: dnnl_memory_desc_t, chosen: dnnl_memory_desc_t) {
        var a = plain, b = chosen
        let same = dnnl_memory_desc_equal(&a, &b) != 0
        handle = MemoryHandle(chosen)
        buffer = AlignedBuffer(count: (handle.byteCount + 3) / 4)
        toChosen = same ? nil : Reorder(from: plain, to: chosen)
        toPlain = same ? nil : Reorder(from: chosen, to: plain)
        plainBytes = dnnl_memory_desc_get_size(&a)
    }

    /// The chosen-layout memory filled from `plain`, or `plain` itself when the layouts agree.
    func load(_ plain: UnsafeRawPointer) -> dnnl_memory_t {
        guard let toChosen else { return handle.bind(plain) }
        if let loaded, memcmp(loaded.pointer, plain, plainBytes) == 0 { return handle.bind(buffer.pointer) }
        toChosen.run(plain, buffer.pointer)
        let copy = loaded ?? AlignedBuffer(count: (plainBytes + 3) / 4)
        UnsafeMutableRawPointer(copy.pointer).copyMemory(from: plain, byteCount: plainBytes)
        loaded = copy
        return handle.bind(buffer.pointer)
    }

    /// Memory to write into; call `store` afterwards to copy it out to `plain`.
    func target(_ plain: UnsafeMutableRawPointer) -> dnnl_memory_t {
        handle.bind(toPlain == nil ? UnsafeRawPointer(plain) : UnsafeRawPointer(buffer.pointer))
    }

    func store(_ plain: UnsafeMutableRawPointer) {
        toPlain?.run(buffer.pointer, plain)
    }
}
