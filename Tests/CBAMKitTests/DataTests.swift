import XCTest
import ImageCodecs
import CBAMKit

/// The data a user points `cbam train` at: folder scanning, the split, decoding
/// with skips, the cache, augmentation and batches.
final class DataTests: XCTestCase {
    private var folders: [SyntheticImageFolder] = []
    override func tearDown() { folders.forEach { $0.remove() } }

    private func folder(perClass: Int) throws -> SyntheticImageFolder {
        let folder = try SyntheticImageFolder(perClass: perClass)
        folders.append(folder)
        return folder
    }

    func testStratifiedSplitIsSeededAndDisjoint() throws {
        let root = try folder(perClass: 20).root.path
        let split = try DataSplit(root: root, validationShare: 0.25, seed: 7)
        XCTAssertEqual(split.classNames, SyntheticImageFolder.classNames)
        XCTAssertEqual(split.training.count, 45)
        XCTAssertEqual(split.validation.count, 15)
        for label in 0..<3 { XCTAssertEqual(split.validation.filter { $0.label == label }.count, 5) }
        XCTAssertTrue(Set(split.training).isDisjoint(with: split.validation))
        let again = try DataSplit(root: root, validationShare: 0.25, seed: 7)
        XCTAssertEqual(again.validation, split.validation)
        XCTAssertNotEqual(try DataSplit(root: root, validationShare: 0.25, seed: 8).validation, split.validation)
    }

    func testTrainAndTestFoldersAreTheSplit() throws {
        let train = try folder(perClass: 4), test = try folder(perClass: 2)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.moveItem(at: train.root, to: root.appendingPathComponent("train"))
        try FileManager.default.moveItem(at: test.root, to: root.appendingPathComponent("test"))
        let split = try DataSplit(root: root.path, validationShare: 0.5, seed: 0)
        XCTAssertEqual(split.training.count, 12)
        XCTAssertEqual(split.validation.count, 6)
        XCTAssertTrue(split.validation.allSatisfy { $0.path.contains("/test/") })
        XCTAssertEqual(DataSplit.evaluationFolder(root.path), root.appendingPathComponent("test").path)
    }

    func testFoldersThatCannotBeTrainedOnAreClearErrors() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func reason() -> String {
            do { _ = try ImageFolder(root: root.path); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(reason().contains("no such folder"), reason())
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        XCTAssertTrue(reason().contains("has no class folders"), reason())
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cats"), withIntermediateDirectories: true)
        try Data([1]).write(to: root.appendingPathComponent("cats/a.png"))
        XCTAssertTrue(reason().contains("only one class folder ('cats')"), reason())
        try FileManager.default.createDirectory(at: root.appendingPathComponent("dogs/.hidden"), withIntermediateDirectories: true)
        try Data([1]).write(to: root.appendingPathComponent("dogs/.hidden/b.png"))
        XCTAssertTrue(reason().hasPrefix(root.appendingPathComponent("dogs").path), reason())
        XCTAssertTrue(reason().contains("class 'dogs' has no files"), reason())
    }

    func testUndecodableFilesAreSkippedAndNamed() throws {
        let root = try folder(perClass: 3).root
        try Data("not an image".utf8).write(to: root.appendingPathComponent("plain/notes.txt"))
        var png = try Image(width: 4, height: 4, channels: 1).pngData()
        png.removeLast(20)
        try Data(png).write(to: root.appendingPathComponent("vertical/sub/truncated.png"), createIntermediates: true)
        let folder = try ImageFolder(root: root.path)
        XCTAssertEqual(folder.files.count, 11)
        var skipped: [ImageError] = []
        let set = ImageSet.load(folder.files, imageSize: 8, channels: nil, cacheBytes: 1 << 20) { skipped.append($0) }
        XCTAssertEqual(set.count, 9)
        XCTAssertEqual(skipped.map { URL(fileURLWithPath: $0.file).lastPathComponent }, ["notes.txt", "truncated.png"])
        XCTAssertEqual(skipped.first?.reason, "not a PNG or JPEG file")
        XCTAssertEqual(set.channels, 3)
        XCTAssertEqual(set.classCounts(classes: 3), [3, 3, 3])
    }

    func testStreamedImagesEqualCachedOnes() throws {
        let files = try ImageFolder(root: try folder(perClass: 2).root.path).files
        let cached = ImageSet.load(files, imageSize: 8, channels: 1, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        let streamed = ImageSet.load(files, imageSize: 8, channels: 1, cacheBytes: 0) { XCTFail("\($0)") }
        XCTAssertTrue(cached.isCached)
        XCTAssertFalse(streamed.isCached)
        for i in 0..<files.count { XCTAssertEqual(try cached.image(i), try streamed.image(i)) }
        let (mean, std) = try cached.channelStatistics()
        XCTAssertEqual(mean.count, 1)
        XCTAssertGreaterThan(mean[0], 0.1)
        XCTAssertGreaterThan(std[0], 0.05)
    }

    func testAugmentationCropsWithBlackPaddingAndFlips() {
        let image = Image(width: 3, height: 3, channels: 1, pixels: [10, 20, 30, 40, 50, 60, 70, 80, 90])
        let preprocessing = Preprocessing(channels: 1, imageSize: 3, mean: [0], std: [1.0 / 255])   // floats = pixel values
        let augmentation = Augmentation(padding: 1, flip: true)
        var out = [Float](repeating: -1, count: 9)
        // Offset (0, 0) into the padded image: shifted right and down by one.
        augmentation.write(image, .init(x: 0, y: 0, flipped: false), preprocessing: preprocessing, into: &out)
        XCTAssertEqual(out, [0, 0, 0, 0, 10, 20, 0, 40, 50])
        augmentation.write(image, .init(x: 1, y: 1, flipped: true), preprocessing: preprocessing, into: &out)
        XCTAssertEqual(out, [30, 20, 10, 60, 50, 40, 90, 80, 70])
        augmentation.write(image, .init(x: 2, y: 1, flipped: true), preprocessing: preprocessing, into: &out)
        XCTAssertEqual(out, [0, 30, 20, 0, 60, 50, 0, 90, 80])
    }

    func testTrainingBatchesAreSeededPermutations() throws {
        let files = try ImageFolder(root: try folder(perClass: 5).root.path).files
        let set = ImageSet.load(files, imageSize: 8, channels: 3, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        let preprocessing = Preprocessing(channels: 3, imageSize: 8, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])
        func labels(epoch: Int) throws -> [Int] {
            let batches = Batches.training(set, preprocessing: preprocessing, batchSize: 4,
                                           augmentation: .standard(imageSize: 8, flip: true), seed: 3, epoch: epoch)
            XCTAssertEqual(batches.count, 3)   // 15 images: the last incomplete batch is dropped
            let prefetcher = batches.prefetching()
            var labels: [Int] = []
            while let batch = try prefetcher.nextItem() {
                XCTAssertEqual(batch.images.shape, [4, 3, 8, 8])
                labels += batch.labels
            }
            return labels
        }
        XCTAssertEqual(try labels(epoch: 0), try labels(epoch: 0))
        XCTAssertNotEqual(try labels(epoch: 0), try labels(epoch: 1))
        let evaluation = Batches.evaluation(set, preprocessing: preprocessing, batchSize: 4)
        XCTAssertEqual(evaluation.count, 4)
        XCTAssertEqual(try evaluation.batch(3).labels, [2, 2, 2])
        let first = try Batches.training(set, preprocessing: preprocessing, batchSize: 4,
                                         augmentation: .standard(imageSize: 8, flip: true), seed: 3, epoch: 0).batch(1)
        let again = try Batches.training(set, preprocessing: preprocessing, batchSize: 4,
                                         augmentation: .standard(imageSize: 8, flip: true), seed: 3, epoch: 0).batch(1)
        XCTAssertEqual(first.images.scalars, again.images.scalars)
    }
}

extension Data {
    func write(to url: URL, createIntermediates: Bool) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try write(to: url)
    }
}
