import Foundation

/// A value of the pickles `torch.save` writes: Python's plain values, the containers
/// (lists and dicts are objects, shared through the memo and filled after they are made),
/// and the torch objects a state_dict holds. Nothing else can be built.
public enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond 64 bits, as its little-endian two's-complement bytes
    /// (the legacy torch.save stream starts with one, its magic number).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A global the reader allows, not yet called.
    case global(PickleGlobal)
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)`, not yet read.
    case tensor(TorchTensorReference)
    /// A storage `BINPERSID` named: its element type, its key and its length.
    case storage(TorchStorageReference)

    /// What the value is, in Python's words, for errors.
    public var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let global): return global.rawValue
        case .tensor: return "tensor"
        case .storage: return "storage"
        }
    }

    /// The value in a few words, for errors: numbers and strings as Python shows them, tuples of those.
    var summary: String {
        switch self {
        case .tuple(let items): return "(" + items.map(\.summary).joined(separator: ", ") + ")"
        case .string(let s): return "'\(s)'"
        case .int(let i): return String(i)
        default: return typeName
        }
    }
}

/// A Python list (a reference: APPEND fills the object the memo holds).
public final class PickleList {
    public var items: [PickleValue] = []
}

/// A Python dict or `collections.OrderedDict`, in insertion order; keys are strings or integers.
public final class PickleDict {
    public private(set) var entries: [(key: PickleKey, value: PickleValue)] = []
    private var index: [PickleKey: Int] = [:]

    func set(_ key: PickleKey, _ value: PickleValue) {
        if let i = index[key] { entries[i].value = value } else {
            index[key] = entries.count
            entries.append((key, value))
        }
    }

    public subscript(key: String) -> PickleValue? { index[.string(key)].map { entries[$0].value } }
}

/// A dict key: the hashable values a state_dict (or a checkpoint around it) uses.
public enum PickleKey: Hashable, CustomStringConvertible {
    case string(String), int(Int), bool(Bool), none

    public var description: String {
        switch self {
        case .string(let s): return "'\(s)'"
        case .int(let i): return String(i)
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        }
    }
}

/// The only globals a checkpoint may name; any other is refused (a pickle can call
/// any Python function it names: this reader calls none, it only recognises these).
public enum PickleGlobal: String, CaseIterable {
    case orderedDict = "collections.OrderedDict"
    case rebuildTensor = "torch._utils._rebuild_tensor_v2"
    case rebuildParameter = "torch._utils._rebuild_parameter"
    case floatStorage = "torch.FloatStorage", doubleStorage = "torch.DoubleStorage"
    case halfStorage = "torch.HalfStorage", bfloat16Storage = "torch.BFloat16Storage"
    case longStorage = "torch.LongStorage", intStorage = "torch.IntStorage"

    /// A storage type's element type; nil for the functions.
    var storageType: SafeTensorsDType? {
        switch self {
        case .floatStorage: return .f32
        case .doubleStorage: return .f64
        case .halfStorage: return .f16
        case .bfloat16Storage: return .bf16
        case .longStorage: return .i64
        case .intStorage: return .i32
        case .orderedDict, .rebuildTensor, .rebuildParameter: return nil
        }
    }
}

/// A storage: `count` elements of `dtype`, from element `start` of the one stored under `key`
/// (`<name>/data/<key>` in a zip archive; the record `key` in a legacy stream). `start` is 0
/// but in a legacy stream's storage views.
public struct TorchStorageReference: Equatable {
    public var dtype: SafeTensorsDType
    public var key: String
    public var count: Int
    public var start = 0
}

/// A tensor as the pickle describes it: a view (offset, shape, strides, in elements) of a storage.
public struct TorchTensorReference: Equatable {
    public var storage: TorchStorageReference
    public var offset: Int
    public var shape: [Int]
    public var strides: [Int]
}

/// Reads the subset of Python's pickle format that `torch.save` writes for a state_dict
/// (and for a checkpoint dict around one: numbers, strings, lists, dicts). Any other
/// opcode or global is an error naming `fileName`, the opcode (or global) and its position.
///
/// A zip checkpoint holds one pickle; the legacy stream several in a row, read one after
/// the other by `read()` from `position` on (positions in errors count from the buffer's start).
struct PickleReader {
    /// Borrowed: the reader lives only while its buffer does (`withUnsafeBytes`, a mapped file).
    private let bytes: UnsafeRawBufferPointer
    private let fileName: String
    /// Where the next pickle starts: after `read()`, the byte after its STOP.
    private(set) var position: Int
    /// Every storage the pickles read so far named, by key, as a whole (the first naming's
    /// element type and count; views of it included): what a legacy stream then stores.
    private(set) var storages: [String: TorchStorageReference] = [:]
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    /// A pickle nests far less than this; a deeper one is damaged or hostile.
    static let maximumStack = 1 << 20

    init(bytes: UnsafeRawBufferPointer, from position: Int = 0, fileName: String) {
        self.bytes = bytes
        self.position = position
        self.fileName = fileName
    }

    /// Parses `bytes` up to STOP and returns the value it leaves.
    static func read(_ bytes: [UInt8], fileName: String) throws -> PickleValue {
        try bytes.withUnsafeBytes { buffer in
            var reader = PickleReader(bytes: buffer, fileName: fileName)
            return try reader.read()
        }
    }

    /// Parses the pickle at `position` up to its STOP (each pickle has its own memo).
    mutating func read() throws -> PickleValue {
        stack = []
        marks = []
        memo = [:]
        return try run()
    }

    private func failure(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }

    // MARK: Reading bytes

    private mutating func take(_ count: Int, for what: String) throws -> Slice<UnsafeRawBufferPointer> {
        guard count >= 0, count <= bytes.count - position else {
            throw failure("truncated pickle: \(what) at byte \(position) needs \(count) bytes, \(bytes.count - position) are left")
        }
        defer { position += count }
        return bytes[position..<position + count]
    }

    private mutating func unsigned(_ count: Int, for what: String) throws -> UInt64 {
        try take(count, for: what).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    private mutating func line(for what: String) throws -> String {
        guard let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) else {
            throw failure("truncated pickle: \(what) at byte \(position) has no end of line")
        }
        let text = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end + 1
        return text
    }

    private mutating func string(length: Int, for what: String) throws -> String {
        let slice = try take(length, for: what)
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw failure("the pickle's \(what) at byte \(position - length) is not UTF-8")
        }
        return text
    }

    // MARK: The stack

    private mutating func push(_ value: PickleValue) throws {
        guard stack.count < Self.maximumStack else { throw failure("the pickle's stack grows beyond \(Self.maximumStack) values") }
        stack.append(value)
    }

    private mutating func pop(_ opcode: String) throws -> PickleValue {
        guard let value = stack.popLast() else { throw failure("damaged pickle: \(opcode) at byte \(position - 1) finds an empty stack") }
        if let mark = marks.last, stack.count < mark { throw failure("damaged pickle: \(opcode) at byte \(position - 1) pops past a MARK") }
        return value
    }

    /// The values pushed since the last MARK, which is removed.
    private mutating func popMark(_ opcode: String) throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw failure("damaged pickle: \(opcode) at byte \(position - 1) has no MARK") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private func key(_ value: PickleValue, _ opcode: String) throws -> PickleKey {
        switch value {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .bool(let b): return .bool(b)
        case .none: return .none
        default: throw failure("the pickle uses a \(value.typeName) as a dict key (\(opcode)); a checkpoint's keys are strings or integers")
        }
    }

    private func dict(_ value: PickleValue, _ opcode: String) throws -> PickleDict {
        guard case .dict(let dict) = value else { throw failure("damaged pickle: \(opcode) on a \(value.typeName), not a dict") }
        return dict
    }

    // MARK: Running

    private mutating func run() throws -> PickleValue {
        while true {
            let at = position
            let opcode = try take(1, for: "an opcode")[at]
            switch opcode {
            case 0x80:  // PROTO
                let version = try take(1, for: "PROTO")[at + 1]
                guard version <= 5 else { throw failure("the pickle has protocol \(version); cbam reads protocols 2–5") }
            case 0x95:  // FRAME: only a hint about buffering
                _ = try unsigned(8, for: "FRAME")
            case 0x2e:  // STOP
                guard stack.count == 1, marks.isEmpty else {
                    throw failure("damaged pickle: STOP at byte \(at) leaves \(stack.count) values")
                }
                return stack[0]
            case 0x28:  // MARK
                marks.append(stack.count)
            case 0x7d:  // EMPTY_DICT
                try push(.dict(PickleDict()))
            case 0x5d:  // EMPTY_LIST
                try push(.list(PickleList()))
            case 0x29:  // EMPTY_TUPLE
                try push(.tuple([]))
            case 0x4e: try push(.none)  // NONE
            case 0x88: try push(.bool(true))  // NEWTRUE
            case 0x89: try push(.bool(false))  // NEWFALSE
            case 0x4b: try push(.int(Int(try unsigned(1, for: "BININT1"))))
            case 0x4d: try push(.int(Int(try unsigned(2, for: "BININT2"))))
            case 0x4a: try push(.int(Int(Int32(truncatingIfNeeded: try unsigned(4, for: "BININT")))))
            case 0x8a:  // LONG1: n bytes, little-endian two's complement
                let count = Int(try take(1, for: "LONG1")[at + 1])
                guard count <= 8 else {
                    try push(.bigInt(Array(try take(count, for: "LONG1"))))
                    continue
                }
                let raw = try unsigned(count, for: "LONG1")
                let value = count == 0 ? 0 : Int(truncatingIfNeeded: raw << (64 - 8 * count)) >> (64 - 8 * count)
                try push(.int(value))
            case 0x47:  // BINFLOAT: big-endian double
                let raw = try take(8, for: "BINFLOAT").reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                try push(.float(Double(bitPattern: raw)))
            case 0x58:  // BINUNICODE
                let length = Int(try unsigned(4, for: "BINUNICODE"))
                try push(.string(try string(length: length, for: "BINUNICODE")))
            case 0x8c:  // SHORT_BINUNICODE
                let length = Int(try unsigned(1, for: "SHORT_BINUNICODE"))
                try push(.string(try string(length: length, for: "SHORT_BINUNICODE")))
            case 0x74:  // TUPLE
                try push(.tuple(try popMark("TUPLE")))
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                let count = Int(opcode - 0x84)
                var items: [PickleValue] = []
                for _ in 0..<count { items.insert(try pop("TUPLE\(count)"), at: 0) }
                try push(.tuple(items))
            case 0x61:  // APPEND
                let item = try pop("APPEND")
                guard case .list(let list)? = stack.last else { throw failure("damaged pickle: APPEND at byte \(at) not on a list") }
                list.items.append(item)
            case 0x65:  // APPENDS
                let items = try popMark("APPENDS")
                guard case .list(let list)? = stack.last else { throw failure("damaged pickle: APPENDS at byte \(at) not on a list") }
                list.items += items
            case 0x73:  // SETITEM
                let value = try pop("SETITEM"), key = try pop("SETITEM")
                guard let top = stack.last else { throw failure("damaged pickle: SETITEM at byte \(at) has no dict") }
                try dict(top, "SETITEM").set(try self.key(key, "SETITEM"), value)
            case 0x75:  // SETITEMS
                let items = try popMark("SETITEMS")
                guard items.count % 2 == 0, let top = stack.last else {
                    throw failure("damaged pickle: SETITEMS at byte \(at) has an odd number of values or no dict")
                }
                let target = try dict(top, "SETITEMS")
                for i in stride(from: 0, to: items.count, by: 2) { target.set(try key(items[i], "SETITEMS"), items[i + 1]) }
            case 0x63:  // GLOBAL "module\nname\n"
                let module = try line(for: "GLOBAL"), name = try line(for: "GLOBAL")
                try push(.global(try global(module, name, at: at)))
            case 0x93:  // STACK_GLOBAL
                let name = try pop("STACK_GLOBAL"), module = try pop("STACK_GLOBAL")
                guard case .string(let n) = name, case .string(let m) = module else {
                    throw failure("damaged pickle: STACK_GLOBAL at byte \(at) without two strings")
                }
                try push(.global(try global(m, n, at: at)))
            case 0x52:  // REDUCE
                let arguments = try pop("REDUCE"), callable = try pop("REDUCE")
                try push(try reduce(callable, arguments, at: at))
            case 0x62:  // BUILD: the state of an OrderedDict is its `_metadata` attribute, not needed
                let state = try pop("BUILD")
                guard case .dict? = stack.last else {
                    throw failure("the pickle sets the state (BUILD, byte \(at)) of a \(stack.last?.typeName ?? "nothing"); cbam reads it only on dicts")
                }
                _ = state
            case 0x51:  // BINPERSID
                try push(try persistentLoad(try pop("BINPERSID"), at: at))
            case 0x68:  // BINGET
                try push(try memoGet(Int(try unsigned(1, for: "BINGET")), at: at))
            case 0x6a:  // LONG_BINGET
                try push(try memoGet(Int(try unsigned(4, for: "LONG_BINGET")), at: at))
            case 0x71:  // BINPUT
                try memoPut(Int(try unsigned(1, for: "BINPUT")), at: at)
            case 0x72:  // LONG_BINPUT
                try memoPut(Int(try unsigned(4, for: "LONG_BINPUT")), at: at)
            case 0x94:  // MEMOIZE
                try memoPut(memo.count, at: at)
            default:
                let printable = (0x21...0x7e).contains(opcode) ? " ('\(Character(Unicode.Scalar(opcode)))')" : ""
                throw failure("the pickle has opcode 0x\(String(opcode, radix: 16))\(printable) at byte \(at), "
                              + "which a PyTorch state_dict does not use; cbam reads only what torch.save writes for one")
            }
        }
    }

    private mutating func memoGet(_ index: Int, at: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw failure("damaged pickle: byte \(at) gets memo \(index), which was never put") }
        return value
    }

    private mutating func memoPut(_ index: Int, at: Int) throws {
        guard let value = stack.last else { throw failure("damaged pickle: byte \(at) memoizes an empty stack") }
        memo[index] = value
    }

    private func global(_ module: String, _ name: String, at: Int) throws -> PickleGlobal {
        guard let global = PickleGlobal(rawValue: "\(module).\(name)") else {
            throw failure("the pickle names the global \(module).\(name) (byte \(at)), which a state_dict does not use; "
                          + "cbam reads tensors, numbers, strings, lists and dicts only")
        }
        return global
    }

    // MARK: The torch objects

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue, at: Int) throws -> PickleValue {
        guard case .global(let function) = callable, case .tuple(let args) = arguments else {
            throw failure("damaged pickle: REDUCE at byte \(at) calls a \(callable.typeName) with a \(arguments.typeName)")
        }
        switch function {
        case .orderedDict:
            guard args.isEmpty else { throw failure("the pickle makes an OrderedDict from arguments (byte \(at)); cbam reads empty ones, filled afterwards") }
            return .dict(PickleDict())
        case .rebuildTensor:
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let offset) = args[1],
                  let shape = integers(args[2]), let strides = integers(args[3]) else {
                throw failure("the pickle rebuilds a tensor (byte \(at)) from arguments cbam does not understand: \(args.map(\.typeName))")
            }
            return .tensor(TorchTensorReference(storage: storage, offset: offset, shape: shape, strides: strides))
        case .rebuildParameter:
            // (data, requires_grad, backward_hooks)
            guard let data = args.first, case .tensor = data else {
                throw failure("the pickle rebuilds a parameter (byte \(at)) from a \(args.first?.typeName ?? "nothing"), not a tensor")
            }
            return data
        default:
            throw failure("the pickle calls \(function.rawValue) (byte \(at)), which a state_dict does not call")
        }
    }

    private func integers(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case .int(let i) = item else { return nil }
            result.append(i)
        }
        return result
    }

    /// torch.save's persistent ids: ('storage', storage type, key, location, element count), and
    /// in the legacy stream a sixth item, None or a view of the storage: (view key, offset, count).
    private mutating func persistentLoad(_ id: PickleValue, at: Int) throws -> PickleValue {
        guard case .tuple(let items) = id, items.count == 5 || items.count == 6, case .string("storage") = items[0],
              case .global(let type) = items[1], let dtype = type.storageType,
              case .string(let key) = items[2], case .int(let count) = items[4] else {
            throw failure("the pickle refers (BINPERSID, byte \(at)) to something other than a tensor storage: \(id.summary)")
        }
        guard count >= 0 else { throw failure("storage '\(key)' has \(count) elements") }
        let whole = TorchStorageReference(dtype: dtype, key: key, count: count)
        if storages[key] == nil { storages[key] = whole }
        switch items.count == 6 ? items[5] : .none {
        case .none:
            return .storage(whole)
        case .tuple(let view) where view.count == 3:
            guard case .int(let start) = view[1], case .int(let length) = view[2], start >= 0, length >= 0,
                  start <= count, length <= count - start else {
                throw failure("the pickle views storage '\(key)' of \(count) elements (BINPERSID, byte \(at)) "
                              + "as \(items[5].summary), which does not lie inside it")
            }
            return .storage(TorchStorageReference(dtype: dtype, key: key, count: length, start: start))
        default:
            throw failure("the pickle views storage '\(key)' (BINPERSID, byte \(at)) as \(items[5].summary); "
                          + "a view is (key, offset, count)")
        }
    }
}
