import Foundation
import ZIPFoundation

/// A PyTorch state_dict as `torch.save` writes it, in either of its formats:
/// - the zip archive of PyTorch ≥ 1.6: `<name>/data.pkl`, a pickle of the dict whose tensors
///   refer to storages stored uncompressed as `<name>/data/<key>`;
/// - the legacy stream before it (PyTorch 0.4 – 1.5, and `_use_new_zipfile_serialization=False`;
///   the CBAM authors' published checkpoints): pickles one after the other — torch.save's magic
///   number, the protocol version 1001, a dict of the writer's byte order and type sizes, the
///   object (persistent ids ('storage', type, key, location, count, view)), the list of storage
///   keys — then for each key in that order an 8-byte little-endian element count and the bytes.
///
/// The dict may sit under a checkpoint's `state_dict` key, and its keys may carry
/// DataParallel's `module.` prefix; both are undone here, so `references` has the network's own keys.
///
/// Opening reads only the pickles (and a legacy stream's record headers, from a memory map)
/// and checks every tensor against its storage and every storage against what the file
/// holds; `readTensors()` allocates and reads the values. Storages the state_dict does not
/// use (a checkpoint's optimizer state) are never read.
public struct TorchCheckpoint {
    /// The tensors, by key, as views of their storages (nothing read yet).
    public let references: [String: TorchTensorReference]
    /// The state_dict was a checkpoint's `state_dict`, and its keys had `module.` prefixes.
    public let wasWrapped: Bool, hadModulePrefix: Bool

    private let storages: StorageSource
    private let fileName: String

    public var shapes: [String: [Int]] { references.mapValues(\.shape) }

    /// torch.save's magic number (0x1950a86a20f9469cfc6c) as the legacy stream's first pickle
    /// holds it: 10 bytes, little-endian.
    static let legacyMagic: [UInt8] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]
    static let legacyProtocol = 1001

    public init(contentsOf url: URL) throws {
        let fileName = url.lastPathComponent
        func failure(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }
        self.fileName = fileName

        let file = try MappedFile(url)
        let opened: (top: PickleValue, storages: StorageSource)
        if file.bytes.first == 0x80 {  // a pickle's PROTO: the legacy stream
            opened = try Self.openStream(file, fileName: fileName)
        } else if file.bytes.count >= 262, Array(file.bytes[257..<262]) == Array("ustar".utf8) {
            throw failure("is a tar-format torch.save file (PyTorch before 0.4), which cbam does not read; "
                          + "re-save it in Python: torch.save(torch.load(OLD, map_location='cpu'), NEW)")
        } else {
            opened = try Self.openArchive(url, fail: failure)
        }
        storages = opened.storages
        guard case .dict(var dict) = opened.top else {
            throw failure("holds a pickled \(opened.top.typeName), not a state_dict (a dict of tensors)")
        }
        var wrapped = false
        if let inner = dict["state_dict"] {
            guard case .dict(let stateDict) = inner else { throw failure("its 'state_dict' is a \(inner.typeName), not a dict of tensors") }
            dict = stateDict
            wrapped = true
        }
        var references: [String: TorchTensorReference] = [:]
        var prefixed = false
        for (key, value) in dict.entries {
            guard case .string(var name) = key else { throw failure("its state_dict has the key \(key); keys are strings") }
            guard case .tensor(let tensor) = value else {
                throw failure("its state_dict's '\(name)' is a \(value.typeName), not a tensor"
                              + (wrapped ? "" : " (is this a checkpoint without a 'state_dict'?)"))
            }
            if name.hasPrefix("module.") {
                name.removeFirst("module.".count)
                prefixed = true
            }
            guard references[name] == nil else { throw failure("'\(name)' appears twice in its state_dict (with and without 'module.')") }
            references[name] = tensor
        }
        self.references = references
        wasWrapped = wrapped
        hadModulePrefix = prefixed
        try checkViews(fail: failure)
    }

    /// The zip archive: its one `<name>/data.pkl`, read, and its storages' entries.
    private static func openArchive(_ url: URL, fail: (String) -> ModelFileError) throws -> (top: PickleValue, storages: StorageSource) {
        let fileName = url.lastPathComponent
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw fail("is not a PyTorch checkpoint (torch.save writes a zip archive or, before PyTorch 1.6, "
                       + "a stream of pickles; this is neither)")
        }
        let pickles = archive.filter { entry in
            let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[1] == "data.pkl"
        }
        guard pickles.count == 1, let pickle = pickles.first else {
            throw fail("is a zip archive but not a torch.save checkpoint: it has \(pickles.count) '<name>/data.pkl' entries, expected one")
        }
        let prefix = String(pickle.path.dropLast("data.pkl".count))
        if let order = archive[prefix + "byteorder"] {
            let text = String(decoding: try StorageSource.read(order, of: archive, fileName: fileName), as: UTF8.self)
            guard text == "little" else { throw fail("stores its tensors \(text)-endian; cbam reads little-endian ones") }
        }
        let top = try PickleReader.read(try StorageSource.read(pickle, of: archive, fileName: fileName), fileName: fileName)
        return (top, .archive(archive, prefix: prefix))
    }

    /// The legacy stream: its pickles, read from the map, then its storage records, whose
    /// headers are checked against the pickle and the file's length (their bytes are not read).
    private static func openStream(_ file: MappedFile, fileName: String) throws -> (top: PickleValue, storages: StorageSource) {
        func fail(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }
        let bytes = file.bytes
        var reader = PickleReader(bytes: bytes, fileName: fileName)
        guard case .bigInt(legacyMagic) = try reader.read() else {
            throw fail("is a pickle but not a torch.save file: it does not start with torch.save's magic number")
        }
        let version = try reader.read()
        guard case .int(legacyProtocol) = version else {
            throw fail("is a torch.save stream of protocol version \(version.summary); cbam reads version \(legacyProtocol)")
        }
        if case .dict(let info) = try reader.read(), case .bool(false)? = info["little_endian"] {
            throw fail("stores its tensors big-endian; cbam reads little-endian ones")
        }
        let top = try reader.read()
        let keys = try reader.read()
        guard case .list(let list) = keys else {
            throw fail("its list of storage keys (ending at byte \(reader.position)) is a \(keys.typeName)")
        }
        var records: [String: Range<Int>] = [:]
        var position = reader.position
        for (index, item) in list.items.enumerated() {
            guard case .string(let key) = item, let storage = reader.storages[key] else {
                throw fail("its list of storages names \(item.summary), which its pickle does not")
            }
            guard records[key] == nil else { throw fail("its list of storages names '\(key)' twice") }
            let which = "storage '\(key)' (\(index + 1) of \(list.items.count))"
            guard bytes.count - position >= 8 else {
                throw fail("is truncated: \(which) would start at byte \(position), but the file has \(bytes.count) bytes")
            }
            let count = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int64.self))
            guard count == storage.count else {
                throw fail("\(which) has \(storage.count) elements in the pickle, but its record at byte \(position) says \(count)")
            }
            let start = position + 8
            let (length, overflow) = storage.count.multipliedReportingOverflow(by: storage.dtype.byteCount)
            guard !overflow, length <= bytes.count - start else {
                throw fail("is truncated: \(which) needs \(storage.count) × \(storage.dtype.byteCount) bytes from byte \(start), "
                           + "but the file has \(bytes.count - start) left")
            }
            records[key] = start..<start + length
            position = start + length
        }
        return (top, .stream(file, records: records))
    }

    /// Every storage is in the file, holding at least its elements, and every tensor's view
    /// (offset, shape, strides) lies inside its storage.
    private func checkViews(fail: (String) -> ModelFileError) throws {
        for (key, tensor) in references.sorted(by: { $0.key < $1.key }) {
            let storage = tensor.storage
            guard let stored = try storages.byteCount(of: storage.key, fail: fail) else {
                throw fail("'\(key)' refers to storage '\(storage.key)', which \(storages.holder) lacks")
            }
            let (end, o1) = storage.start.addingReportingOverflow(storage.count)
            let (bytes, o2) = end.multipliedReportingOverflow(by: storage.dtype.byteCount)
            guard !o1, !o2, bytes <= stored else {
                throw fail("storage '\(storage.key)' claims \(end) elements of \(storage.dtype.byteCount) bytes, "
                           + "more than its \(stored)-byte \(storages.unit) holds")
            }
            guard tensor.shape.count == tensor.strides.count, tensor.shape.count <= 8,
                  tensor.shape.allSatisfy({ $0 >= 0 }), tensor.strides.allSatisfy({ $0 >= 0 }), tensor.offset >= 0 else {
                throw fail("'\(key)' has shape \(tensor.shape), strides \(tensor.strides) and offset \(tensor.offset), "
                           + "which do not describe a tensor")
            }
            guard let last = Self.lastElement(tensor), last < storage.count else {
                throw fail("'\(key)' (shape \(tensor.shape), strides \(tensor.strides), offset \(tensor.offset)) "
                           + "reaches beyond its storage's \(storage.count) elements")
            }
        }
    }

    /// The storage index of a tensor's last element (-1 when it has none), or nil on overflow.
    static func lastElement(_ tensor: TorchTensorReference) -> Int? {
        if tensor.shape.contains(0) { return -1 }
        var last = tensor.offset
        for (size, stride) in zip(tensor.shape, tensor.strides) {
            let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, o2) = last.addingReportingOverflow(step)
            if o1 || o2 { return nil }
            last = sum
        }
        return last
    }

    /// Every tensor's values, as Float (int64 counters too), read from the file storage by
    /// storage (several tensors may view one; each is read once and let go).
    /// Call it once the shapes are known to be the ones wanted (`ModelFile.checkFits`).
    public func readTensors() throws -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        let byStorage = Dictionary(grouping: references, by: \.value.storage.key)
        for (key, views) in byStorage.sorted(by: { $0.key < $1.key }) {
            try storages.withBytes(of: key, fileName: fileName) { raw in
                for (name, reference) in views {
                    let tensor = Tensor(shape: reference.shape)
                    // checkViews: a tensor with elements has them inside the storage's bytes.
                    if let base = raw.baseAddress { Self.gather(reference, from: base, into: tensor.data) }
                    tensors[name] = tensor
                }
            }
        }
        return tensors
    }

    /// Copies a strided view into a row-major tensor, converting to Float.
    static func gather(_ reference: TorchTensorReference, from storage: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>) {
        let dtype = reference.storage.dtype, shape = reference.shape, strides = reference.strides
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        // The innermost dimension is copied as a run when its stride is 1.
        let inner = shape.last ?? 1, innerStride = strides.last ?? 1
        var index = [Int](repeating: 0, count: max(shape.count - 1, 0))
        var written = 0
        while written < count {
            var offset = reference.storage.start + reference.offset
            for (i, position) in index.enumerated() { offset += position * strides[i] }
            if innerStride == 1 {
                dtype.decode(storage + offset * dtype.byteCount, count: inner, into: destination + written)
            } else {
                for j in 0..<inner {
                    dtype.decode(storage + (offset + j * innerStride) * dtype.byteCount, count: 1, into: destination + written + j)
                }
            }
            written += inner
            // The next row: the outer index, counted like an odometer.
            var d = index.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }

}

/// Where a checkpoint's storages are: a zip archive's entries, or the records of a legacy
/// stream, mapped (by key: the range of their bytes in the file).
private enum StorageSource {
    case archive(Archive, prefix: String)
    case stream(MappedFile, records: [String: Range<Int>])

    /// What holds the storages, and what holds one, in errors.
    var holder: String {
        switch self {
        case .archive: return "the archive"
        case .stream: return "the file"
        }
    }

    var unit: String {
        switch self {
        case .archive: return "entry"
        case .stream: return "record"
        }
    }

    /// How many bytes the file stores for `key` (nil: none); a zip entry must be stored uncompressed.
    func byteCount(of key: String, fail: (String) -> ModelFileError) throws -> Int? {
        switch self {
        case .archive(let archive, let prefix):
            guard let entry = archive[prefix + "data/" + key] else { return nil }
            guard !entry.isCompressed, entry.type == .file else {
                throw fail("storage '\(key)' is compressed; torch.save stores tensors uncompressed")
            }
            return Int(clamping: entry.uncompressedSize)
        case .stream(_, let records):
            return records[key]?.count
        }
    }

    /// Calls `body` with the bytes of storage `key` (checked by `byteCount` before): a zip
    /// entry is read into memory for the call, a stream's record is its part of the map.
    func withBytes(of key: String, fileName: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch self {
        case .archive(let archive, let prefix):
            guard let entry = archive[prefix + "data/" + key] else {
                throw ModelFileError(file: fileName, reason: "storage '\(key)' is no longer in the archive")
            }
            try Self.read(entry, of: archive, fileName: fileName).withUnsafeBytes(body)
        case .stream(let file, let records):
            guard let range = records[key] else { throw ModelFileError(file: fileName, reason: "storage '\(key)' is not in the file") }
            try body(UnsafeRawBufferPointer(rebasing: file.bytes[range]))
        }
    }

    /// A whole entry's bytes (bounded by the file: the entries read are uncompressed).
    static func read(_ entry: ZIPFoundation.Entry, of archive: Archive, fileName: String) throws -> [UInt8] {
        guard !entry.isCompressed || entry.uncompressedSize <= 1 << 24 else {
            throw ModelFileError(file: fileName, reason: "'\(entry.path)' is compressed to \(entry.compressedSize) bytes "
                                 + "from \(entry.uncompressedSize); torch.save does not compress")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(clamping: min(entry.uncompressedSize, 1 << 30)))
        do {
            _ = try archive.extract(entry, consumer: { bytes.append(contentsOf: $0) })
        } catch {
            throw ModelFileError(file: fileName, reason: "'\(entry.path)' cannot be read from the archive (damaged or truncated): \(error)")
        }
        return bytes
    }
}

extension ModelFile {
    /// The network `metadata` describes, with the weights of a PyTorch checkpoint
    /// (`TorchCheckpoint`): its keys and shapes are checked against the network before
    /// any value is read, then every value must be finite. The configuration is
    /// validated first, so nothing larger than `ModelConfiguration.Limits` is built.
    public static func importing(_ checkpoint: URL, as metadata: ModelMetadata) throws -> ImageClassifier {
        let fileName = checkpoint.lastPathComponent
        let file = try TorchCheckpoint(contentsOf: checkpoint)
        try metadata.configuration.validate()
        let network = metadata.configuration.makeModel(seed: 0)
        try checkFits(file.shapes, module: network, fileName: fileName)
        try load(try file.readTensors(), into: network, fileName: fileName)
        return network
    }
}
