import XCTest
import CBAMKit

/// Files are never lost or misread, and every file error is said in plain words
/// (issue 10's "lost data" and "wrong answers" cases at the file level).
final class FileSafetyTests: XCTestCase {
    private func folder() throws -> URL { try FileTestSupport.temporaryFolder(for: self) }

    // MARK: System errors in plain words

    func testSystemErrorsAreSaidInPlainWords() throws {
        let folder = try folder()
        FileTestSupport.assertFails("\(folder.lastPathComponent): cannot be read: is a directory") {
            _ = try SafeTensors(contentsOf: folder)
        }
        FileTestSupport.assertFails("absent.safetensors: cannot be read: no such file or directory") {
            _ = try SafeTensors(contentsOf: folder.appendingPathComponent("absent.safetensors"))
        }
        FileTestSupport.assertFails("model.safetensors: cannot be written: no such file or directory") {
            try SafeTensors(tensors: [:]).write(to: folder.appendingPathComponent("no/model.safetensors"))
        }
        XCTAssertThrowsError(try IDXFile.labels(folder.appendingPathComponent("labels").path)) { error in
            XCTAssertEqual("\(error)", folder.appendingPathComponent("labels").path + ": cannot be read: no such file or directory")
        }

        // Foundation's errors, as the CLI's last resort says them.
        let exists = CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: "out/report.json"])
        XCTAssertEqual(SystemErrorDescription.plainWords(for: exists), "out/report.json: already exists")
        let bridged = NSError(domain: NSCocoaErrorDomain, code: 516)
        XCTAssertEqual(SystemErrorDescription.plainWords(for: bridged), "already exists")
        let denied = NSError(domain: NSCocoaErrorDomain, code: CocoaError.fileWriteUnknown.rawValue,
                             userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES))])
        XCTAssertEqual(SystemErrorDescription.plainWords(for: denied), "permission denied")
        XCTAssertEqual(SystemErrorDescription.plainWords(for: POSIXError(.ENOSPC)), "no space left on device")
        XCTAssertEqual(SystemErrorDescription.words(errno: EROFS), "read-only file system")
        XCTAssertEqual(SystemErrorDescription.words(errno: EISDIR), "is a directory")
        XCTAssertThrowsError(try JSONEncoder().encode([Double.nan])) { error in
            let words = SystemErrorDescription.plainWords(for: error)
            XCTAssertFalse(words.contains("EncodingError"), words)
            XCTAssertTrue(words.hasPrefix("cannot write nan as JSON"), words)
        }
        for error in [exists as Error, bridged, denied] {
            XCTAssertFalse(SystemErrorDescription.plainWords(for: error).contains("Code="))
        }
        // Errors that already speak for themselves pass unchanged.
        let own = ModelFileError(file: "m.safetensors", reason: "truncated")
        XCTAssertEqual(SystemErrorDescription.plainWords(for: own), "m.safetensors: truncated")
    }
}

extension FileSafetyTests {
    // MARK: Temporary files a killed writer left

    func testStaleTemporaryFilesAreRemovedOnTheNextWrite() throws {
        let folder = try folder()
        let deadPID = 999_999_999   // beyond any pid_max: no such process
        let stale = ".model.safetensors.\(deadPID).\(UUID().uuidString).partial"
        let live = ".model.safetensors.\(getpid()).\(UUID().uuidString).partial"   // a writer still at work
        let otherFile = ".other.safetensors.\(deadPID).\(UUID().uuidString).partial"
        let notOurs = ".model.safetensors.\(deadPID).partial"
        for name in [stale, live, otherFile, notOurs] {
            try Data([1, 2, 3]).write(to: folder.appendingPathComponent(name))
        }
        try SafeTensors(tensors: ["w": Tensor(shape: [1], values: [1])]).write(to: folder.appendingPathComponent("model.safetensors"))
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)),
                       ["model.safetensors", live, otherFile, notOurs])
    }
}

extension FileSafetyTests {
    // MARK: Model files with weights that are not numbers

    /// A small CBAM model file, with `poison` applied to its tensors before writing.
    private func modelFile(named name: String, poison: (inout [String: Tensor]) -> Void) throws -> URL {
        var configuration = ModelConfiguration(kind: .cbam, channels: 1, imageSize: 8, classes: 2)
        configuration.width = 4
        let network = configuration.makeModel(seed: 1)
        let metadata = ModelMetadata(configuration: configuration, classNames: ["a", "b"], mean: [0.5], std: [0.25])
        let url = try folder().appendingPathComponent(name)
        try ModelFile.save(network, metadata: metadata, to: url)
        var file = try SafeTensors(contentsOf: url)
        poison(&file.tensors)
        try file.write(to: url)
        return url
    }

    func testModelsWithNonFiniteWeightsAreRefusedAtLoad() throws {
        let good = try modelFile(named: "good.safetensors") { _ in }
        XCTAssertNoThrow(try TrainedModel(contentsOf: good))

        let nanBuffer = try modelFile(named: "nan.safetensors") { tensors in
            let variance = tensors["layer2.0.bn1.running_var"]!.copy()
            variance.data[1] = .nan
            tensors["layer2.0.bn1.running_var"] = variance
        }
        FileTestSupport.assertFails("nan.safetensors: 'layer2.0.bn1.running_var' holds values that are not finite numbers (NaN or infinity); the model cannot be used") {
            _ = try TrainedModel(contentsOf: nanBuffer)
        }

        let infiniteWeight = try modelFile(named: "inf.safetensors") { tensors in
            let weight = tensors["fc.weight"]!.copy()
            weight.data[0] = -.infinity
            tensors["fc.weight"] = weight
        }
        FileTestSupport.assertFails("inf.safetensors: 'fc.weight' holds values that are not finite numbers (NaN or infinity); the model cannot be used") {
            _ = try TrainedModel(contentsOf: infiniteWeight)
        }
    }
}

extension FileSafetyTests {
    // MARK: Image folders with links

    func testLinkedFoldersAndFilesAreVisitedOnce() throws {
        let data = try SyntheticImageFolder(perClass: 10)
        defer { data.remove() }
        let root = data.root
        let fileManager = FileManager.default
        // A loop inside a class, a link from a class back to the root, a second link to a file.
        try fileManager.createSymbolicLink(atPath: root.appendingPathComponent("plain/self").path, withDestinationPath: ".")
        try fileManager.createSymbolicLink(atPath: root.appendingPathComponent("vertical/up").path, withDestinationPath: "..")
        try fileManager.linkItem(at: root.appendingPathComponent("plain/000.png"), to: root.appendingPathComponent("plain/zz-hard.png"))
        try fileManager.createSymbolicLink(atPath: root.appendingPathComponent("vertical/zz-soft.png").path,
                                           withDestinationPath: "../horizontal/001.png")

        let folder = try ImageFolder(root: root.path)
        XCTAssertEqual(folder.files.count, 30)
        XCTAssertEqual(folder.filesByClass.map(\.count), [10, 10, 10])
        XCTAssertEqual(Set(folder.files.compactMap { FileIdentity(path: $0.path) }).count, 30)
        XCTAssertFalse(folder.files.contains { $0.path.contains("/self/") || $0.path.contains("/up/") || $0.path.hasSuffix("zz-hard.png") })

        let split = try DataSplit(root: root.path, validationShare: 0.2, seed: 0)
        XCTAssertEqual(split.training.count + split.validation.count, 30)
        let trainingFiles = Set(split.training.compactMap { FileIdentity(path: $0.path) })
        XCTAssertTrue(trainingFiles.isDisjoint(with: split.validation.compactMap { FileIdentity(path: $0.path) }),
                      "no image both trains and validates")
    }

    func testTheSameFileByAnotherPathHasTheSameIdentity() throws {
        let folder = try folder()
        let file = folder.appendingPathComponent("a.jpg")
        try Data([1]).write(to: file)
        try FileManager.default.linkItem(at: file, to: folder.appendingPathComponent("hard.jpg"))
        XCTAssertTrue(FileIdentity.same(file.path, folder.path + "/./a.jpg"))
        XCTAssertTrue(FileIdentity.same(file.path, folder.appendingPathComponent("hard.jpg").path))
        XCTAssertFalse(FileIdentity.same(file.path, folder.appendingPathComponent("other.jpg").path))
    }
}

extension FileSafetyTests {
    // MARK: Output = input

    func testAnOutputThatIsTheInputIsRefused() throws {
        let folder = try folder()
        let input = folder.appendingPathComponent("a.jpg")
        try Data([0xFF, 0xD8]).write(to: input)
        try FileManager.default.linkItem(at: input, to: folder.appendingPathComponent("hard.png"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("soft.png").path, withDestinationPath: "a.jpg")
        for output in [input.path, folder.path + "/./a.jpg", folder.path + "/hard.png", folder.path + "/soft.png"] {
            XCTAssertThrowsError(try OutputFiles.refuseOverwritingInput(output: output, input: input.path)) { error in
                XCTAssertEqual("\(error)", "\(output): is the input file \(input.path); writing it would replace the input (choose another output file)")
            }
        }
        XCTAssertNoThrow(try OutputFiles.refuseOverwritingInput(output: folder.path + "/b.png", input: input.path))
        XCTAssertEqual(try Data(contentsOf: input), Data([0xFF, 0xD8]))
    }
}
