import CBAMKit
import Foundation
import XCTest

/// Helpers shared by the model-file and optimiser tests.
enum FileTestSupport {
    static func fixture(_ name: String) throws -> URL {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let url = folder.appendingPathComponent(name)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url.path), "fixture \(name) not present")
        return url
    }

    /// A fresh, empty folder, removed when the test ends.
    static func temporaryFolder(for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Asserts that `body` throws a ModelFileError whose message is exactly `message`.
    static func assertFails(_ message: String, file: StaticString = #filePath, line: UInt = #line,
                            _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    static func bits(_ tensor: Tensor) -> [UInt32] { tensor.scalars.map(\.bitPattern) }
}

final class SafeTensorsTests: XCTestCase {
    /// A file from its header JSON and data bytes, as another writer might produce it.
    private func fileBytes(header: String, data: [UInt8] = [], headerLength: UInt64? = nil) -> Data {
        var bytes = Data()
        withUnsafeBytes(of: (headerLength ?? UInt64(header.utf8.count)).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(contentsOf: data)
        return bytes
    }

    private func read(_ bytes: Data) throws -> SafeTensors {
        try SafeTensors(bytes: bytes, fileName: "model.safetensors")
    }

    func testRoundTripIsBitExact() throws {
        let awkward: [Float] = [0, -0.0, 1, -2.5, .pi, 0x1p-130, -3.4e38, .infinity, .leastNonzeroMagnitude, 0.1, 7, -1e-7]
        let original = SafeTensors(
            tensors: [
                "conv.weight": Tensor(shape: [2, 1, 2, 3], values: awkward),
                "bn.num_batches_tracked": Tensor(shape: [], values: [123_456]),
                "empty": Tensor(shape: [0, 4], values: []),
            ],
            dtypes: ["bn.num_batches_tracked": .i64],
            metadata: ["classes": #"["cat", "dög \"quoted\"", "a/b"]"#, "width": "32"])
        let folder = try FileTestSupport.temporaryFolder(for: self)
        let url = folder.appendingPathComponent("round.safetensors")
        try original.write(to: url)

        let read = try SafeTensors(contentsOf: url)
        XCTAssertEqual(read.metadata, original.metadata)
        XCTAssertEqual(Set(read.tensors.keys), Set(original.tensors.keys))
        for (name, tensor) in original.tensors {
            XCTAssertEqual(read.tensors[name]?.shape, tensor.shape, name)
            XCTAssertEqual(read.tensors[name].map(FileTestSupport.bits), FileTestSupport.bits(tensor), name)
        }
        XCTAssertEqual(read.dtypes, ["conv.weight": .f32, "bn.num_batches_tracked": .i64, "empty": .f32])
    }

    func testLayoutFollowsTheReferenceImplementation() throws {
        let file = SafeTensors(tensors: ["b": Tensor(shape: [1], values: [1]), "a": Tensor(shape: [3], values: [1, 2, 3]),
                                         "count": Tensor(shape: [], values: [5])],
                               dtypes: ["count": .i64], metadata: ["format": "x"])
        let bytes = try file.encoded()
        XCTAssertEqual(try file.encoded(), bytes, "the same contents give the same bytes")

        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        XCTAssertEqual(headerLength % 8, 0, "header padded so the data starts 8-aligned")
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        // Sorted keys; the 8-byte I64 first in the data, then the F32 tensors by name.
        XCTAssertEqual(header.trimmingCharacters(in: .whitespaces),
                       #"{"__metadata__":{"format":"x"},"a":{"data_offsets":[8,20],"dtype":"F32","shape":[3]},"#
                       + #""b":{"data_offsets":[20,24],"dtype":"F32","shape":[1]},"count":{"data_offsets":[0,8],"dtype":"I64","shape":[]}}"#)
        XCTAssertEqual(bytes.count, 8 + headerLength + 24)
    }

    /// Every dtype, written by Python's safetensors (Tests/PyTorch/make_dtype_fixture.py).
    func testReadsEveryDTypeFromPython() throws {
        let file = try SafeTensors(contentsOf: FileTestSupport.fixture("dtypes.safetensors"))
        let floats: [Float] = [0, -1, 2.5, -0.125, 96, 1024]
        let ints: [Float] = [0, -1, 2, -3, 96, 1024]
        for (name, dtype, values) in [("f32", SafeTensorsDType.f32, floats), ("f64", .f64, floats), ("f16", .f16, floats),
                                      ("bf16", .bf16, floats), ("i64", .i64, ints), ("i32", .i32, ints)] {
            XCTAssertEqual(file.dtypes[name], dtype, name)
            XCTAssertEqual(file.tensors[name]?.shape, [2, 3], name)
            XCTAssertEqual(file.tensors[name]?.scalars, values, name)
        }
        XCTAssertEqual(file.tensors["scalar"]?.shape, [])
        XCTAssertEqual(file.tensors["scalar"]?.scalars, [7])
        XCTAssertEqual(file.metadata, ["note": "Tests/PyTorch/make_dtype_fixture.py"])
    }

    /// A whole PyTorch-written model file: F32 weights, I64 counters and labels, metadata.
    func testReadsAPyTorchModelFile() throws {
        let file = try SafeTensors(contentsOf: FileTestSupport.fixture("resnet_cbam.safetensors"))
        XCTAssertEqual(file.tensors["conv1.weight"]?.shape, [8, 3, 3, 3])
        XCTAssertEqual(file.tensors["layer1.0.cbam.SpatialGate.spatial.conv.weight"]?.shape, [1, 2, 7, 7])
        XCTAssertEqual(file.dtypes["bn1.num_batches_tracked"], .i64)
        XCTAssertEqual(file.tensors["bn1.num_batches_tracked"]?.shape, [])
        XCTAssertEqual(file.tensors["bn1.num_batches_tracked"]?.scalars, [0])
        // Values as Python's safetensors.torch.load_file reads them (float.hex()).
        XCTAssertEqual(file.tensors["conv1.weight"]?.scalars.prefix(3),
                       [0x1.96dab6p-9, -0x1.633a4cp-2, -0x1.0a5eb8p-4])
        XCTAssertEqual(file.tensors["labels"]?.scalars, [0, 2, 0, 2])
        XCTAssertEqual(file.metadata["format"], "cbam-model-1")
    }

    // MARK: Damaged files

    func testTruncatedFile() {
        FileTestSupport.assertFails("model.safetensors: truncated: 5 bytes, but a safetensors file starts with an 8-byte header length") {
            _ = try read(Data([1, 2, 3, 4, 5]))
        }
    }

    func testHeaderLengthBeyondTheFile() {
        FileTestSupport.assertFails("model.safetensors: truncated or not a safetensors file: the header length 1000 goes beyond the file's 10 bytes") {
            _ = try read(fileBytes(header: "{}", headerLength: 1000))
        }
    }

    func testGarbageHeader() {
        for garbage in ["{not json", "[1, 2]", "\u{FF}\u{FE}"] {
            FileTestSupport.assertFails("model.safetensors: the header is not a JSON object (damaged file, or not safetensors)") {
                _ = try read(fileBytes(header: garbage))
            }
        }
        FileTestSupport.assertFails("model.safetensors: tensor 'w' has a malformed header entry (needs dtype, shape and data_offsets)") {
            _ = try read(fileBytes(header: #"{"w": {"dtype": "F32", "shape": [1]}}"#, data: [0, 0, 0, 0]))
        }
    }

    func testUnsupportedDType() {
        FileTestSupport.assertFails("model.safetensors: tensor 'mask' has dtype BOOL; cbam reads F32, F64, F16, BF16, I64, I32") {
            _ = try read(fileBytes(header: #"{"mask": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}}"#, data: [0, 1]))
        }
    }

    func testOffsetsOutsideTheData() {
        FileTestSupport.assertFails("model.safetensors: tensor 'w' has data offsets [4, 12] outside the 8 bytes of data") {
            _ = try read(fileBytes(header: #"{"w": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#,
                                   data: Array(repeating: 0, count: 8)))
        }
    }

    func testOverlappingTensors() {
        let header = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        FileTestSupport.assertFails("model.safetensors: tensors 'a' and 'b' overlap in the data") {
            _ = try read(fileBytes(header: header, data: Array(repeating: 0, count: 8)))
        }
    }

    func testByteCountDoesNotFitTheShape() {
        let header = #"{"fc.weight": {"dtype": "F32", "shape": [10, 4], "data_offsets": [0, 40]}}"#
        FileTestSupport.assertFails("model.safetensors: tensor 'fc.weight' has 40 bytes, its shape [10, 4] needs 160") {
            _ = try read(fileBytes(header: header, data: Array(repeating: 0, count: 40)))
        }
    }

    func testShapeTooLargeToExist() {
        let header = #"{"w": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 0]}}"#
        FileTestSupport.assertFails("model.safetensors: tensor 'w' has 0 bytes, its shape [4611686018427387904, 4] needs more than exist") {
            _ = try read(fileBytes(header: header))
        }
    }

    /// Damaged files are refused with an error, never a crash: every truncation, and
    /// random byte changes (mostly in the header, where a change alters the meaning).
    func testDamagedFilesThrowInsteadOfCrashing() throws {
        let good = try SafeTensors(tensors: ["a.weight": Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
                                             "n": Tensor(shape: [], values: [3])],
                                   dtypes: ["n": .i64], metadata: ["format": "cbam-model-1"]).encoded()
        for length in 0..<good.count {
            XCTAssertThrowsError(try read(good.prefix(length)), "truncated to \(length) bytes")
        }
        var random = RandomGenerator(seed: 11)
        for _ in 0..<3000 {
            var damaged = good
            for _ in 0..<1 + Int(random.next() % 3) {
                let position = Int(random.next() % UInt64(good.count))
                damaged[position] = [UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "]"), UInt8(ascii: "\""), UInt8(truncatingIfNeeded: random.next())][Int(random.next() % 5)]
            }
            _ = try? read(damaged)
        }
    }

    func testMissingFileNamesIt() throws {
        let url = try FileTestSupport.temporaryFolder(for: self).appendingPathComponent("absent.safetensors")
        XCTAssertThrowsError(try SafeTensors(contentsOf: url)) { error in
            XCTAssertEqual((error as? ModelFileError)?.file, "absent.safetensors")
        }
    }

    // MARK: Atomic writes

    func testWriteReplacesAtomicallyAndLeavesNoTemporaryFile() throws {
        let folder = try FileTestSupport.temporaryFolder(for: self)
        let url = folder.appendingPathComponent("model.safetensors")
        try SafeTensors(tensors: ["w": Tensor(shape: [1], values: [1])]).write(to: url)
        try SafeTensors(tensors: ["w": Tensor(shape: [2], values: [2, 3])]).write(to: url)

        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["model.safetensors"])
        XCTAssertEqual(try SafeTensors(contentsOf: url).tensors["w"]?.scalars, [2, 3])
    }

    func testWriteIntoAMissingFolderFailsCleanly() throws {
        let url = try FileTestSupport.temporaryFolder(for: self).appendingPathComponent("no/such/model.safetensors")
        XCTAssertThrowsError(try SafeTensors(tensors: [:]).write(to: url)) { error in
            XCTAssertEqual((error as? ModelFileError)?.file, "model.safetensors")
        }
    }
}
