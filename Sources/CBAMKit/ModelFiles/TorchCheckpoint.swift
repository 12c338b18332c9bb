import Foundation
import ZIPFoundation

/// A PyTorch state_dict as `torch.save` writes it (the zip format of PyTorch ≥ 1.6):
/// `<name>/data.pkl`, a pickle of the dict whose tensors refer to storages stored
/// uncompressed as `<name>/data/<key>`. The dict may sit under a checkpoint's
/// `state_dict` key, and its keys may carry DataParallel's `module.` prefix; both are
/// undone here, so `tensors` has the network's own keys.
///
/// Opening reads only the pickle and checks every tensor against its storage and every
/// storage against its zip entry; `readTensors()` allocates and reads the values.
public struct TorchCheckpoint {
    /// The tensors, by key, as views of their storages (nothing read yet).
    public let references: [String: TorchTensorReference]
    /// The state_dict was a checkpoint's `state_dict`, and its keys had `module.` prefixes.
    public let wasWrapped: Bool, hadModulePrefix: Bool

    private let archive: Archive
    private let prefix: String
    private let fileName: String

    public var shapes: [String: [Int]] { references.mapValues(\.shape) }

    public init(contentsOf url: URL) throws {
        let fileName = url.lastPathComponent
        func failure(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }
        self.fileName = fileName

        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            if !FileManager.default.isReadableFile(atPath: url.path) {
                throw failure("cannot be read: \(FileManager.default.fileExists(atPath: url.path) ? "permission denied" : "no such file")")
            }
            let head = (try? FileHandle(forReadingFrom: url).read(upToCount: 2)) ?? Data()
            if head.first == 0x80 {
                throw failure("is an old-style torch.save file (before PyTorch 1.6), not the zip format cbam reads; "
                              + "re-save it in Python: torch.save(torch.load(OLD, map_location='cpu'), NEW)")
            }
            throw failure("is not a PyTorch checkpoint (torch.save writes a zip archive; this is not one)")
        }
        self.archive = archive
        let pickles = archive.filter { entry in
            let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[1] == "data.pkl"
        }
        guard pickles.count == 1, let pickle = pickles.first else {
            throw failure("is a zip archive but not a torch.save checkpoint: it has \(pickles.count) '<name>/data.pkl' entries, expected one")
        }
        prefix = String(pickle.path.dropLast("data.pkl".count))
        if let order = archive[prefix + "byteorder"] {
            let text = String(decoding: try Self.read(order, of: archive, fileName: fileName), as: UTF8.self)
            guard text == "little" else { throw failure("stores its tensors \(text)-endian; cbam reads little-endian ones") }
        }

        let top = try PickleReader.read(try Self.read(pickle, of: archive, fileName: fileName), fileName: fileName)
        guard case .dict(var dict) = top else {
            throw failure("holds a pickled \(top.typeName), not a state_dict (a dict of tensors)")
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

    /// Every storage is an uncompressed entry holding at least its elements, and every
    /// tensor's view (offset, shape, strides) lies inside its storage.
    private func checkViews(fail: (String) -> ModelFileError) throws {
        for (key, tensor) in references.sorted(by: { $0.key < $1.key }) {
            let storage = tensor.storage
            guard let entry = archive[prefix + "data/" + storage.key] else {
                throw fail("'\(key)' refers to storage '\(storage.key)', which the archive lacks")
            }
            guard !entry.isCompressed, entry.type == .file else {
                throw fail("storage '\(storage.key)' is compressed; torch.save stores tensors uncompressed")
            }
            let (bytes, overflow) = storage.count.multipliedReportingOverflow(by: storage.dtype.byteCount)
            guard !overflow, UInt64(bytes) <= entry.uncompressedSize else {
                throw fail("storage '\(storage.key)' claims \(storage.count) elements of \(storage.dtype.byteCount) bytes, "
                           + "more than its \(entry.uncompressedSize)-byte entry holds")
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

    /// Every tensor's values, as Float (int64 counters too), read from the archive.
    /// Call it once the shapes are known to be the ones wanted (`ModelFile.checkFits`).
    public func readTensors() throws -> [String: Tensor] {
        var storages: [String: [UInt8]] = [:]
        var tensors: [String: Tensor] = [:]
        for (key, reference) in references {
            let storage = reference.storage
            if storages[storage.key] == nil {
                storages[storage.key] = try Self.read(archive[prefix + "data/" + storage.key]!, of: archive, fileName: fileName)
            }
            let tensor = Tensor(shape: reference.shape)
            storages[storage.key]!.withUnsafeBytes { raw in
                Self.gather(reference, from: raw.baseAddress!, into: tensor.data)
            }
            tensors[key] = tensor
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
            var offset = reference.offset
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

    /// A whole entry's bytes (bounded by the file: the entries read are uncompressed).
    private static func read(_ entry: ZIPFoundation.Entry, of archive: Archive, fileName: String) throws -> [UInt8] {
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
