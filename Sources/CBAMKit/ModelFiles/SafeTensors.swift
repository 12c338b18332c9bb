import Foundation

/// The contents of a safetensors file: named tensors and string metadata.
///
/// The format (huggingface/safetensors): an 8-byte little-endian header length N,
/// N bytes of JSON `{name: {"dtype", "shape", "data_offsets": [begin, end]},
/// "__metadata__": {string: string}}`, then the tensors' bytes, offsets counted from
/// the end of the header. Every dtype cbam reads becomes a Float tensor; cbam writes
/// F32, and I64 where `dtypes` asks for it (PyTorch's int64 counters).
public struct SafeTensors {
    public var tensors: [String: Tensor]
    /// How each tensor is (or will be) stored; a tensor missing here is written as F32.
    public var dtypes: [String: SafeTensorsDType]
    /// The header's `__metadata__`.
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], dtypes: [String: SafeTensorsDType] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.dtypes = dtypes
        self.metadata = metadata
    }

    static let metadataKey = "__metadata__"
}

// MARK: - Reading

extension SafeTensors {
    public init(contentsOf url: URL) throws {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw ModelFileError(file: url.lastPathComponent, reason: "cannot be read: \(SystemErrorDescription.plainReason(error))")
        }
        try self.init(bytes: bytes, fileName: url.lastPathComponent)
    }

    /// Parses a whole file's bytes; `fileName` names the file in errors.
    public init(bytes: Data, fileName: String) throws {
        func failure(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }
        let bytes = Data(bytes)  // indices from 0, whatever slice we were given
        guard bytes.count >= 8 else {
            throw failure("truncated: \(bytes.count) bytes, but a safetensors file starts with an 8-byte header length")
        }
        let headerLength = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw failure("truncated or not a safetensors file: the header length \(headerLength) goes beyond the file's \(bytes.count) bytes")
        }
        let dataStart = 8 + Int(headerLength)
        let header = try Header(json: bytes[8..<dataStart], fail: failure)
        let dataSize = bytes.count - dataStart

        try header.checkOffsets(dataSize: dataSize, fail: failure)
        var tensors: [String: Tensor] = [:]
        var dtypes: [String: SafeTensorsDType] = [:]
        bytes.withUnsafeBytes { raw in
            for (name, entry) in header.entries {
                let tensor = Tensor(shape: entry.shape)
                entry.dtype.decode(raw.baseAddress! + dataStart + entry.begin, count: tensor.count, into: tensor.data)
                tensors[name] = tensor
                dtypes[name] = entry.dtype
            }
        }
        self.init(tensors: tensors, dtypes: dtypes, metadata: header.metadata)
    }
}

/// The parsed JSON header, checked entry by entry.
private struct Header {
    struct Entry {
        var dtype: SafeTensorsDType
        var shape: [Int]
        var begin: Int, end: Int
    }
    var entries: [(name: String, entry: Entry)] = []
    var metadata: [String: String] = [:]

    init(json: Data, fail: (String) -> ModelFileError) throws {
        guard let object = try? JSONSerialization.jsonObject(with: json), let top = object as? [String: Any] else {
            throw fail("the header is not a JSON object (damaged file, or not safetensors)")
        }
        for (name, value) in top.sorted(by: { $0.key < $1.key }) {
            if name == SafeTensors.metadataKey {
                guard let strings = value as? [String: String] else {
                    throw fail("the header's __metadata__ must map strings to strings")
                }
                metadata = strings
                continue
            }
            guard let fields = value as? [String: Any],
                  let dtypeName = fields["dtype"] as? String,
                  let shape = fields["shape"] as? [Int], shape.allSatisfy({ $0 >= 0 }),
                  let offsets = fields["data_offsets"] as? [Int], offsets.count == 2
            else { throw fail("tensor '\(name)' has a malformed header entry (needs dtype, shape and data_offsets)") }
            guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
                let known = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail("tensor '\(name)' has dtype \(dtypeName); cbam reads \(known)")
            }
            entries.append((name, Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])))
        }
    }

    /// Every tensor lies inside the data, holds exactly its shape's bytes, and no two overlap.
    func checkOffsets(dataSize: Int, fail: (String) -> ModelFileError) throws {
        for (name, entry) in entries {
            guard 0 <= entry.begin, entry.begin <= entry.end, entry.end <= dataSize else {
                throw fail("tensor '\(name)' has data offsets [\(entry.begin), \(entry.end)] outside the \(dataSize) bytes of data")
            }
            let needed = checkedProduct(entry.shape + [entry.dtype.byteCount])
            guard entry.end - entry.begin == needed else {
                throw fail("tensor '\(name)' has \(entry.end - entry.begin) bytes, its shape \(entry.shape) needs \(needed.map(String.init) ?? "more than exist")")
            }
        }
        let byStart = entries.sorted { ($0.entry.begin, $0.entry.end) < ($1.entry.begin, $1.entry.end) }
        for (previous, next) in zip(byStart, byStart.dropFirst()) where next.entry.begin < previous.entry.end {
            throw fail("tensors '\(previous.name)' and '\(next.name)' overlap in the data")
        }
    }
}

/// The product, or nil if it overflows: a damaged shape must not wrap around to a small size.
private func checkedProduct(_ factors: [Int]) -> Int? {
    var product = 1
    for factor in factors {
        let (result, overflow) = product.multipliedReportingOverflow(by: factor)
        if overflow { return nil }
        product = result
    }
    return product
}

// MARK: - Writing

extension SafeTensors {
    /// The file's bytes. Deterministic: header keys sorted, tensors laid out as the
    /// reference implementation does (largest element size first, then by name, so
    /// every tensor starts aligned to its element size), header padded with spaces
    /// to a multiple of 8.
    public func encoded() throws -> Data {
        precondition(tensors[Self.metadataKey] == nil, "\(Self.metadataKey) is reserved for metadata")
        let layout = tensors.keys.map { (name: $0, dtype: dtypes[$0] ?? .f32) }
            .sorted { a, b in
                a.dtype.byteCount != b.dtype.byteCount ? a.dtype.byteCount > b.dtype.byteCount : a.name < b.name
            }

        var header: [String: Any] = [:]
        var offset = 0
        for (name, dtype) in layout {
            let tensor = tensors[name]!
            let size = tensor.count * dtype.byteCount
            header[name] = ["dtype": dtype.rawValue, "shape": tensor.shape, "data_offsets": [offset, offset + size]]
            offset += size
        }
        if !metadata.isEmpty { header[Self.metadataKey] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        json.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))

        var file = Data(count: 8 + json.count + offset)
        file.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt64(json.count).littleEndian, as: UInt64.self)
            json.copyBytes(to: raw.baseAddress!.advanced(by: 8).assumingMemoryBound(to: UInt8.self), count: json.count)
            var position = 8 + json.count
            for (name, dtype) in layout {
                let tensor = tensors[name]!.reordered(to: .plain)
                dtype.encode(tensor.data, count: tensor.count, into: raw.baseAddress! + position)
                position += tensor.count * dtype.byteCount
            }
        }
        return file
    }

    /// Writes the file atomically (see `Data.writeAtomically`).
    public func write(to url: URL) throws {
        try encoded().writeAtomically(to: url)
    }
}
