import XCTest
import Foundation
import ZIPFoundation
@testable import CBAMKit
import ImageCodecs

/// `cbam import-torch`'s reading: torch.save checkpoints of the official-code CBAM
/// ResNets (Tests/PyTorch/make_torch_checkpoint_fixtures.py) give PyTorch's logits, and
/// damaged or foreign files are refused with one line naming the file.
final class TorchCheckpointTests: XCTestCase {
    private static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("torch")
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func fixture(_ name: String) -> URL { Self.folder.appendingPathComponent(name) }

    /// The metadata `cbam import-torch --arch resnetD --width 4 --reduction 4 --classes 5 --image-size S` writes.
    private func metadata(_ architecture: ModelConfiguration.Architecture, attention: AttentionKind = .cbam, width: Int = 4,
                          reduction: Int = 4, classes: Int = 5, imageSize: Int = 64) -> ModelMetadata {
        let configuration = ModelConfiguration(architecture: architecture, attention: attention, channels: 3, imageSize: imageSize,
                                               classes: classes, width: width, reduction: reduction)
        return ModelMetadata(configuration: configuration, classNames: (0..<classes).map(String.init),
                             mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    }

    /// Imports `file`, saves it as a model file, reads it back as `cbam classify` does and
    /// compares its logits with PyTorch's, on the stored inputs and on the images themselves.
    private func checkRoundTrip(_ file: String, _ architecture: ModelConfiguration.Architecture, expectedKey: String,
                                expected: SafeTensors, imageSize: Int = 64, metadata given: ModelMetadata? = nil) throws {
        let metadata = given ?? self.metadata(architecture, imageSize: imageSize)
        let url = URL(fileURLWithPath: file.hasPrefix("/") ? file : fixture(file).path)
        let imported = try ModelFile.importing(url, as: metadata)
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: saved) }
        try ModelFile.save(imported, metadata: metadata, to: saved)
        let trained = try TrainedModel(contentsOf: saved)

        let input = expected.tensors["input"]!, logits = expected.tensors[expectedKey]!
        ReferenceFixtures.assertClose(trained.network.forward(input, .inference), logits, "\(file) logits")

        // The images, prepared by the model file's own preprocessing (as classify does).
        let images = try JSONDecoder().decode([String].self, from: Data(expected.metadata["images"]!.utf8))
            .map { try Image(contentsOf: Self.repository.appendingPathComponent($0).path) }
        let batch = trained.preprocessing.batch(images)
        ReferenceFixtures.assertClose(batch, input, "\(file) prepared images", tolerance: 1e-5)
        ReferenceFixtures.assertClose(trained.network.forward(batch, .inference), logits, "\(file) logits of the images")
    }

    private func expected() throws -> SafeTensors { try SafeTensors(contentsOf: fixture("expected.safetensors")) }

    func testResNet18StateDict() throws {
        try checkRoundTrip("resnet18_cbam.pth", .resnet18, expectedKey: "resnet18_cbam.logits", expected: try expected())
    }

    func testResNet18WrappedCheckpoint() throws {
        try checkRoundTrip("resnet18_cbam_wrapped.pth", .resnet18, expectedKey: "resnet18_cbam.logits", expected: try expected())
    }

    /// The legacy (pre-1.6, non-zip) stream, as the authors' published checkpoints are.
    func testResNet18LegacyCheckpoint() throws {
        try checkRoundTrip("resnet18_cbam_legacy.pth", .resnet18, expectedKey: "resnet18_cbam.logits", expected: try expected())
    }

    func testResNet50StateDict() throws {
        try checkRoundTrip("resnet50_cbam.pth", .resnet50, expectedKey: "resnet50_cbam.logits", expected: try expected())
    }

    func testResNet50WrappedCheckpoint() throws {
        try checkRoundTrip("resnet50_cbam_wrapped.pth", .resnet50, expectedKey: "resnet50_cbam.logits", expected: try expected())
    }

    /// The full-size official ResidualNet('ImageNet', 18, 1000, 'CBAM'), when
    /// CBAM_TORCH_RESNET18 names one made by `make_torch_checkpoint_fixtures.py --full FILE`.
    func testFullSizeResNet18WhenGiven() throws {
        guard let path = ProcessInfo.processInfo.environment["CBAM_TORCH_RESNET18"] else {
            throw XCTSkip("set CBAM_TORCH_RESNET18 to a checkpoint made by make_torch_checkpoint_fixtures.py --full FILE")
        }
        let expected = try SafeTensors(contentsOf: URL(fileURLWithPath: path + ".expected.safetensors"))
        let configuration = ModelConfiguration(kind: .cbam, resnet: .resnet18, channels: 3, imageSize: 224, classes: 1000)
        let metadata = ModelMetadata(configuration: configuration, classNames: (0..<1000).map(String.init),
                                     mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
        try checkRoundTrip(path, .resnet18, expectedKey: "logits", expected: expected, metadata: metadata)
    }

    // MARK: Unwrapping and views

    func testWrappedCheckpointIsUnwrappedToTheSameTensors() throws {
        let plain = try TorchCheckpoint(contentsOf: fixture("resnet18_cbam.pth"))
        let wrapped = try TorchCheckpoint(contentsOf: fixture("resnet18_cbam_wrapped.pth"))
        XCTAssertFalse(plain.wasWrapped || plain.hadModulePrefix)
        XCTAssertTrue(wrapped.wasWrapped && wrapped.hadModulePrefix)
        XCTAssertEqual(plain.shapes, wrapped.shapes)
        XCTAssertTrue(plain.references.keys.contains("layer1.0.cbam.SpatialGate.spatial.conv.weight"))
        XCTAssertFalse(wrapped.references.keys.contains { $0.hasPrefix("module.") })
        let a = try plain.readTensors(), b = try wrapped.readTensors()
        for (key, tensor) in a { XCTAssertEqual(tensor.scalars, b[key]!.scalars, key) }
    }

    func testLegacyCheckpointGivesTheZipFilesTensors() throws {
        let zip = try TorchCheckpoint(contentsOf: fixture("resnet18_cbam_wrapped.pth"))
        let legacy = try TorchCheckpoint(contentsOf: fixture("resnet18_cbam_legacy.pth"))
        XCTAssertTrue(legacy.wasWrapped && legacy.hadModulePrefix)
        XCTAssertEqual(zip.shapes, legacy.shapes)
        XCTAssertEqual(legacy.references["bn1.num_batches_tracked"]?.storage.dtype, .i64)
        let a = try zip.readTensors(), b = try legacy.readTensors()
        XCTAssertEqual(a.count, b.count)
        for (key, tensor) in a { XCTAssertEqual(tensor.scalars, b[key]?.scalars, key) }
    }

    /// The fixture's pickles, read as TorchCheckpoint does: the offset of the first storage record.
    private func legacyRecordsStart(_ bytes: [UInt8]) throws -> Int {
        try bytes.withUnsafeBytes { buffer in
            var reader = PickleReader(bytes: buffer, fileName: "x")
            for _ in 0..<5 { _ = try reader.read() }
            return reader.position
        }
    }

    func testTruncatedLegacyFileIsRefused() throws {
        let bytes = [UInt8](try Data(contentsOf: fixture("resnet18_cbam_legacy.pth")))
        let records = try legacyRecordsStart(bytes)
        func cut(_ name: String, _ length: Int) throws -> URL {
            let url = scratch.appendingPathComponent(name)
            try Data(bytes.prefix(length)).write(to: url)
            return url
        }
        assertRefused(try cut("cut-in-pickle.pth", records / 2), "truncated pickle")
        assertRefused(try cut("cut-at-records.pth", records), "is truncated: storage '")
        assertRefused(try cut("cut-at-records.pth", records), "would start at byte \(records), but the file has \(records) bytes")
        assertRefused(try cut("cut-at-end.pth", bytes.count - 1), "bytes from byte")
        assertRefused(try cut("cut-at-end.pth", bytes.count - 1), "but the file has")
    }

    func testLegacyStorageSizesThatLieAreRefused() throws {
        var bytes = [UInt8](try Data(contentsOf: fixture("resnet18_cbam_legacy.pth")))
        let records = try legacyRecordsStart(bytes)
        let stated = bytes[records..<records + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
        bytes.replaceSubrange(records..<records + 8, with: withUnsafeBytes(of: Int64(stated + 1000).littleEndian, Array.init))
        let url = scratch.appendingPathComponent("lying.pth")
        try Data(bytes).write(to: url)
        assertRefused(url, "has \(stated) elements in the pickle, but its record at byte \(records) says \(stated + 1000)")
    }

    func testStridedAndOffsetViewsAreRead() throws {
        let plain = try TorchCheckpoint(contentsOf: fixture("resnet18_cbam.pth"))
        let fc = plain.references["fc.weight"]!, conv = plain.references["conv1.weight"]!
        XCTAssertEqual(fc.strides, [1, 5])  // [5, 32] stored transposed
        XCTAssertEqual(conv.offset, 7)
        // The wrapped file stores both contiguously: the values agree (checked above), and by hand:
        let storage: [Float] = (0..<12).map(Float.init)
        let view = TorchTensorReference(storage: TorchStorageReference(dtype: .f32, key: "0", count: 12), offset: 1,
                                        shape: [2, 3], strides: [1, 4])
        let tensor = Tensor(shape: [2, 3])
        storage.withUnsafeBytes { TorchCheckpoint.gather(view, from: $0.baseAddress!, into: tensor.data) }
        XCTAssertEqual(tensor.scalars, [1, 5, 9, 2, 6, 10])
        XCTAssertEqual(TorchCheckpoint.lastElement(view), 10)
    }

    // MARK: Keys that do not fit

    func testKeysAndShapesMustFitTheNetwork() throws {
        let url = fixture("resnet18_cbam_wrapped.pth")
        XCTAssertThrowsError(try ModelFile.importing(url, as: metadata(.resnet18, attention: .se))) { error in
            XCTAssertEqual("\(error)", "resnet18_cbam_wrapped.pth: 'layer1.0.se.fc.0.bias' is missing (and 31 others); the file does not fit this model")
        }
        XCTAssertThrowsError(try ModelFile.importing(url, as: metadata(.resnet18, classes: 7))) { error in
            XCTAssertEqual("\(error)", "resnet18_cbam_wrapped.pth: 'fc.weight' has shape [5, 32], the model expects [7, 32]")
        }
        XCTAssertThrowsError(try ModelFile.importing(url, as: metadata(.resnet34))) { error in
            XCTAssertTrue("\(error)".hasPrefix("resnet18_cbam_wrapped.pth: 'layer1.2."), "\(error)")
        }
    }

    // MARK: Damaged and foreign files

    private func assertRefused(_ url: URL, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try TorchCheckpoint(contentsOf: url), file: file, line: line) { error in
            XCTAssertTrue("\(error)".hasPrefix(url.lastPathComponent + ": "), "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(expected), "\(error)", file: file, line: line)
        }
    }

    private var scratch: URL!
    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("torch-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// A torch.save-like archive `name.pth`: `name/data.pkl` and the storages `name/data/<key>`.
    private func archive(_ name: String, pickle: [UInt8], storages: [String: [UInt8]] = [:]) throws -> URL {
        let url = scratch.appendingPathComponent("\(name).pth")
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ bytes: [UInt8]) throws {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .none) { position, size in
                Data(bytes[Int(position)..<Int(position) + size])
            }
        }
        try add("\(name)/data.pkl", pickle)
        for (key, bytes) in storages { try add("\(name)/data/\(key)", bytes) }
        return url
    }

    private func text(_ s: String) -> [UInt8] { [0x8c, UInt8(s.utf8.count)] + Array(s.utf8) }
    private func int(_ i: Int) -> [UInt8] {  // BININT, or LONG1 beyond 32 bits
        Int32(exactly: i).map { [0x4a] + withUnsafeBytes(of: $0.littleEndian, Array.init) }
            ?? [0x8a, 8] + withUnsafeBytes(of: Int64(i).littleEndian, Array.init)
    }
    private func tuple(_ items: [Int]) -> [UInt8] { [0x28] + items.flatMap(int) + [0x74] }

    /// A pickle of {'w': tensor} (storage '0' of `count` floats; offset, shape, strides), as torch.save writes it.
    /// `view`: the legacy stream's sixth persistent-id item, pickled (nil: the zip format's five items).
    private func tensorPickle(count: Int, offset: Int, shape: [Int], strides: [Int], view: [UInt8]? = nil) -> [UInt8] {
        [0x80, 0x02, 0x7d] + text("w") + Array("ctorch._utils\n_rebuild_tensor_v2\n".utf8)
            + [0x28, 0x28] + text("storage") + Array("ctorch\nFloatStorage\n".utf8) + text("0") + text("cpu") + int(count)
            + (view ?? []) + [0x74, 0x51]
            + int(offset) + tuple(shape) + tuple(strides) + [0x89]
            + Array("ccollections\nOrderedDict\n".utf8) + [0x29, 0x52, 0x74, 0x52, 0x73, 0x2e]
    }

    /// A legacy torch.save stream `name.pth`: magic number, protocol 1001, sys_info, `pickle`,
    /// the keys ['0'], then storage '0': its element count (`recorded`, or the truth) and `values`.
    private func stream(_ name: String, pickle: [UInt8], values: [Float], recorded: Int? = nil,
                        magic: [UInt8] = TorchCheckpoint.legacyMagic, version: Int = 1001) throws -> URL {
        let url = scratch.appendingPathComponent("\(name).pth")
        let bytes = [0x80, 0x02, 0x8a, UInt8(magic.count)] + magic + [0x2e] + [0x80, 0x02] + int(version) + [0x2e]
            + [0x80, 0x02, 0x7d] + text("little_endian") + [0x88, 0x73, 0x2e]
            + pickle + [0x80, 0x02, 0x5d] + text("0") + [0x61, 0x2e]
            + withUnsafeBytes(of: Int64(recorded ?? values.count).littleEndian, Array.init) + floats(values)
        try Data(bytes).write(to: url)
        return url
    }

    private func floats(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    func testHandMadeCheckpointReads() throws {
        let url = try archive("tiny", pickle: tensorPickle(count: 6, offset: 0, shape: [3, 2], strides: [1, 3]),
                              storages: ["0": floats([0, 1, 2, 3, 4, 5])])
        let tensors = try TorchCheckpoint(contentsOf: url).readTensors()
        XCTAssertEqual(tensors["w"]?.shape, [3, 2])
        XCTAssertEqual(tensors["w"]?.scalars, [0, 3, 1, 4, 2, 5])
    }

    func testHandMadeLegacyStreamReads() throws {
        let plain = try stream("plain", pickle: tensorPickle(count: 6, offset: 0, shape: [3, 2], strides: [1, 3], view: [0x4e]),
                               values: [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try TorchCheckpoint(contentsOf: plain).readTensors()["w"]?.scalars, [0, 3, 1, 4, 2, 5])
        // A storage view (PyTorch 0.4): ('1', offset 2, 3 elements) of storage '0'; the tensor at offset 1 of the view.
        let view = try stream("view", pickle: tensorPickle(count: 6, offset: 1, shape: [2], strides: [1],
                                                           view: [0x28] + text("1") + int(2) + int(3) + [0x74]),
                              values: [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try TorchCheckpoint(contentsOf: view).readTensors()["w"]?.scalars, [3, 4])
        assertRefused(try stream("outside", pickle: tensorPickle(count: 6, offset: 2, shape: [2], strides: [1],
                                                                 view: [0x28] + text("1") + int(2) + int(3) + [0x74]),
                                 values: [0, 1, 2, 3, 4, 5]),
                      "'w' (shape [2], strides [1], offset 2) reaches beyond its storage's 3 elements")
        assertRefused(try stream("badview", pickle: tensorPickle(count: 6, offset: 0, shape: [2], strides: [1],
                                                                 view: [0x28] + text("1") + int(5) + int(3) + [0x74]),
                                 values: [0, 1, 2, 3, 4, 5]),
                      "the pickle views storage '0' of 6 elements (BINPERSID, byte")
    }

    func testLegacyStreamHeadersAreChecked() throws {
        let pickle = tensorPickle(count: 6, offset: 0, shape: [6], strides: [1], view: [0x4e])
        assertRefused(try stream("lies", pickle: pickle, values: [0, 1, 2, 3, 4, 5], recorded: 1 << 40),
                      "storage '0' (1 of 1) has 6 elements in the pickle, but its record at byte")
        assertRefused(try stream("short", pickle: pickle, values: [0, 1, 2], recorded: 6),
                      "is truncated: storage '0' (1 of 1) needs 6 × 4 bytes from byte")
        assertRefused(try stream("magic", pickle: pickle, values: [0, 1, 2, 3, 4, 5], magic: Array(repeating: 7, count: 10)),
                      "is a pickle but not a torch.save file: it does not start with torch.save's magic number")
        assertRefused(try stream("version", pickle: pickle, values: [0, 1, 2, 3, 4, 5], version: 1000),
                      "is a torch.save stream of protocol version 1000; cbam reads version 1001")
        // A file that is one pickle (pickle.dump of a dict), not a torch.save stream.
        let single = scratch.appendingPathComponent("pickled.pth")
        try Data(pickle).write(to: single)
        assertRefused(single, "it does not start with torch.save's magic number")
    }

    func testTarFormatIsRefused() throws {
        var header = [UInt8](repeating: 0, count: 1024)
        header.replaceSubrange(0..<8, with: Array("storages".utf8))
        header.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
        let url = scratch.appendingPathComponent("tar.pth")
        try Data(header).write(to: url)
        assertRefused(url, "is a tar-format torch.save file (PyTorch before 0.4), which cbam does not read; re-save it in Python")
    }

    func testViewBeyondItsStorageIsRefused() throws {
        assertRefused(try archive("beyond", pickle: tensorPickle(count: 6, offset: 1, shape: [3, 2], strides: [2, 1]),
                                  storages: ["0": floats([0, 1, 2, 3, 4, 5])]),
                      "'w' (shape [3, 2], strides [2, 1], offset 1) reaches beyond its storage's 6 elements")
        assertRefused(try archive("huge", pickle: tensorPickle(count: 6, offset: 0, shape: [3, 1 << 40], strides: [1 << 40, 1 << 30]),
                                  storages: ["0": floats([0, 1, 2, 3, 4, 5])]),
                      "reaches beyond its storage")
    }

    func testStorageLargerThanItsEntryIsRefused() throws {
        assertRefused(try archive("short", pickle: tensorPickle(count: 1000, offset: 0, shape: [6], strides: [1]),
                                  storages: ["0": floats([0, 1, 2, 3, 4, 5])]),
                      "storage '0' claims 1000 elements of 4 bytes, more than its 24-byte entry holds")
        assertRefused(try archive("missing", pickle: tensorPickle(count: 6, offset: 0, shape: [6], strides: [1])),
                      "'w' refers to storage '0', which the archive lacks")
    }

    func testUnknownOpcodeIsRefused() throws {
        // 'S' (STRING, protocol 0) is not what torch.save writes.
        assertRefused(try archive("opcode", pickle: [0x80, 0x02, 0x7d, 0x53, 0x27, 0x61, 0x27, 0x0a, 0x2e]),
                      "the pickle has opcode 0x53 ('S') at byte 3")
    }

    func testUnsupportedGlobalIsRefused() throws {
        assertRefused(try archive("global", pickle: [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x2e]),
                      "the pickle names the global os.system (byte 2)")
    }

    func testTruncatedPickleIsRefused() throws {
        let whole = tensorPickle(count: 6, offset: 0, shape: [6], strides: [1])
        assertRefused(try archive("truncated", pickle: Array(whole.prefix(40)), storages: ["0": floats([0, 1, 2, 3, 4, 5])]),
                      "truncated pickle")
        // A truncated file is no longer a zip archive.
        let bytes = try Data(contentsOf: fixture("resnet18_cbam.pth"))
        let cut = scratch.appendingPathComponent("cut.pth")
        try bytes.prefix(bytes.count / 2).write(to: cut)
        assertRefused(cut, "is not a PyTorch checkpoint")
    }

    func testNotAZipIsRefused() throws {
        let text = scratch.appendingPathComponent("notes.pth")
        try Data("not a checkpoint\n".utf8).write(to: text)
        assertRefused(text, "is not a PyTorch checkpoint (torch.save writes a zip archive or, before PyTorch 1.6, "
                      + "a stream of pickles; this is neither)")
        let legacy = scratch.appendingPathComponent("legacy.pth")
        try Data([0x80, 0x02, 0x8a, 0x0a]).write(to: legacy)
        assertRefused(legacy, "truncated pickle: LONG1 at byte 4 needs 10 bytes, 0 are left")
        assertRefused(scratch.appendingPathComponent("absent.pth"), "cannot be read: no such file")
        assertRefused(try archive("empty", pickle: [0x2e]), "damaged pickle: STOP at byte 0 leaves 0 values")
    }

    func testNotAStateDictIsRefused() throws {
        assertRefused(try archive("list", pickle: [0x80, 0x02, 0x5d, 0x2e]), "holds a pickled list, not a state_dict")
        // {'epoch': 3}: a dict without tensors and without 'state_dict'.
        assertRefused(try archive("epoch", pickle: [0x80, 0x02, 0x7d, 0x8c, 0x05] + Array("epoch".utf8) + [0x4b, 0x03, 0x73, 0x2e]),
                      "its state_dict's 'epoch' is a int, not a tensor (is this a checkpoint without a 'state_dict'?)")
    }
}
