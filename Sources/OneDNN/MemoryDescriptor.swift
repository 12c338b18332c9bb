import CDNNL

/// How an activation tensor is laid out in memory.
public enum ActivationFormat: Sendable, Hashable {
    /// Row-major NCHW, as PyTorch and images have it.
    case nchw
    /// oneDNN's blocked nChw16c: channels in blocks of 16, each block a run of
    /// H·W vectors of 16 floats; channels are padded with zeros up to a multiple of 16.
    case nChw16c
}

extension ActivationFormat {
    var tag: dnnl_format_tag_t {
        switch self {
        case .nchw: return dnnl_nchw
        case .nChw16c: return dnnl_nChw16c
        }
    }

    /// Channels per block in memory: the storage holds whole blocks.
    var channelBlock: Int {
        switch self {
        case .nchw: return 1
        case .nChw16c: return 16
        }
    }
}

/// Builds oneDNN's fixed-size dimension arrays from Swift arrays.
/// (C functions take `const dnnl_dims_t` as a pointer to its first element.)
func dnnlDims(_ values: [Int]) -> [dnnl_dim_t] {
    values.map { dnnl_dim_t($0) } + Array(repeating: 0, count: Int(DNNL_MAX_NDIMS) - values.count)
}

func memoryDescriptor(_ dims: [Int], tag: dnnl_format_tag_t, type: dnnl_data_type_t = dnnl_f32) -> dnnl_memory_desc_t {
    var md = dnnl_memory_desc_t()
    check(dnnl_memory_desc_init_by_tag(&md, Int32(dims.count), dnnlDims(dims), type, tag), "describing \(dims)")
    return md
}

func memoryDescriptor(_ dims: [Int], strides: [Int]) -> dnnl_memory_desc_t {
    var md = dnnl_memory_desc_t()
    check(dnnl_memory_desc_init_by_strides(&md, Int32(dims.count), dnnlDims(dims), dnnl_f32, dnnlDims(strides)), "describing \(dims) with strides \(strides)")
    return md
}

/// A memory object whose data pointer is set anew for each execution.
final class MemoryHandle {
    let memory: dnnl_memory_t
    let descriptor: dnnl_memory_desc_t

    init(_ descriptor: dnnl_memory_desc_t) {
        var md = descriptor
        var memory: dnnl_memory_t?
        check(dnnl_memory_create(&memory, &md, Engine.shared.engine, nil), "creating a memory object")
        self.memory = memory!
        self.descriptor = descriptor
    }

    var byteCount: Int {
        var md = descriptor
        return dnnl_memory_desc_get_size(&md)
    }

    func bind(_ pointer: UnsafeRawPointer) -> dnnl_memory_t {
        check(dnnl_memory_set_data_handle(memory, UnsafeMutableRawPointer(mutating: pointer)), "binding memory")
        return memory
    }

    deinit { dnnl_memory_destroy(memory) }
}

/// A primitive descriptor and its primitive, created once and run many times.
final class Primitive {
    let descriptor: dnnl_primitive_desc_t
    let primitive: dnnl_primitive_t

    init(descriptor: dnnl_primitive_desc_t) {
        var primitive: dnnl_primitive_t?
        check(dnnl_primitive_create(&primitive, descriptor), "creating a primitive")
        self.descriptor = descriptor
        self.primitive = primitive!
    }

    func memoryDescriptor(_ query: dnnl_query_t) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(descriptor, query, 0)!.pointee
    }

    /// The implementation oneDNN picked, as DNNL_VERBOSE names it ("jit:avx512_core", "ref:any").
    var implementation: String {
        var name: UnsafePointer<CChar>?
        check(dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name), "asking for the implementation")
        return String(cString: name!)
    }

    func execute(_ arguments: [(Int32, dnnl_memory_t)]) {
        var args = arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
        check(dnnl_primitive_execute(primitive, Engine.shared.stream, Int32(args.count), &args), "executing a primitive")
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }
}

/// Argument slots, as oneDNN numbers them.
enum Argument {
    static let src = Int32(DNNL_ARG_SRC_0)
    static let dst = Int32(DNNL_ARG_DST_0)
    static let weights = Int32(DNNL_ARG_WEIGHTS_0)
    static let bias = Int32(DNNL_ARG_BIAS)
    static let diffSrc = Int32(DNNL_ARG_DIFF_SRC_0)
    static let diffDst = Int32(DNNL_ARG_DIFF_DST_0)
    static let diffWeights = Int32(DNNL_ARG_DIFF_WEIGHTS_0)
    static let diffBias = Int32(DNNL_ARG_DIFF_BIAS)
}

/// Passes a pointer to `descriptor`, or nil when there is none (an absent bias).
func withOptionalPointer<R>(to descriptor: dnnl_memory_desc_t?, _ body: (UnsafePointer<dnnl_memory_desc_t>?) -> R) -> R {
    guard var descriptor else { return body(nil) }
    return withUnsafePointer(to: &descriptor) { body($0) }
}
