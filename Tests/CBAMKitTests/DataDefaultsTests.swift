import XCTest
import CBAMKit

/// `train`'s defaults from the data (issue 13): a pure function of the folder's summary
/// and the memory, checked here without images.
final class DataDefaultsTests: XCTestCase {
    private let plenty = 64.0 * 1_073_741_824

    private func folder(shorterSide: Int, colour: Bool = true, counts: [Int]) -> FolderSummary {
        FolderSummary(classNames: counts.indices.map { "class\($0)" }, classCounts: counts, medianShorterSide: shorterSide, isColour: colour)
    }

    func testPhotosTrainAResNet18At112WithABatchThatGivesSteps() throws {
        let chosen = DataDefaults.choose(for: folder(shorterSide: 240, counts: [36, 36, 37]), kind: .cbam, given: .init(),
                                         availableBytes: plenty)
        XCTAssertEqual(chosen.architecture, .resnet18)
        XCTAssertEqual(chosen.imageSize, 112)
        XCTAssertEqual(chosen.batchSize, DataDefaults.smallestBatch, "109 images: the smallest batch, for the most steps")
        let summary = try XCTUnwrap(chosen.summary)
        XCTAssertEqual(chosen.learningRate, 0.0125, "0.1 × 16/128")
        XCTAssertTrue(summary.hasPrefix("Chose resnet18, 112 px, batch 16, lr 0.0125 (0.1 × 16/128) for 109 training photos, median shorter side 240 px, colour"), summary)
        XCTAssertTrue(summary.hasSuffix("override with --arch, --image-size, --batch-size, --lr"), summary)
        XCTAssertNil(DataDefaults.choose(for: folder(shorterSide: 240, counts: [36, 36, 37]), kind: .cbam,
                                         given: .init(keepsLearningRate: true), availableBytes: plenty).learningRate)
        XCTAssertNil(DataDefaults.choose(for: folder(shorterSide: 240, counts: [36, 36, 37]), kind: .vit, given: .init(),
                                         availableBytes: plenty).learningRate, "AdamW's rate is not scaled")
    }

    func testSmallPhotosTrainAtWhatTheirShorterSideHolds() {
        XCTAssertEqual(DataDefaults.choose(for: folder(shorterSide: 100, counts: [500, 500]), kind: .cbam, given: .init(),
                                           availableBytes: plenty).imageSize, 80)
        XCTAssertEqual(DataDefaults.choose(for: folder(shorterSide: 66, counts: [500, 500]), kind: .cbam, given: .init(),
                                           availableBytes: plenty).imageSize, DataDefaults.smallestPhotoImageSize)
    }

    func testSmallImagesTrainResNetSmallAtTheirSize() throws {
        let garments = DataDefaults.choose(for: folder(shorterSide: 28, colour: false, counts: Array(repeating: 6000, count: 10)),
                                           kind: .cbam, given: .init(), availableBytes: plenty)
        XCTAssertEqual(garments.architecture, .resnetSmall)
        XCTAssertEqual(garments.imageSize, 28)
        XCTAssertEqual(garments.batchSize, TrainingOptions.defaultBatchSize, "60 000 images give 468 steps at the default batch")
        XCTAssertTrue(try XCTUnwrap(garments.summary).contains("grey"))
        let sample = DataDefaults.choose(for: folder(shorterSide: 32, counts: Array(repeating: 27, count: 10)), kind: .cbam,
                                         given: .init(), availableBytes: plenty)
        XCTAssertEqual(sample.imageSize, 32)
        XCTAssertEqual(sample.batchSize, 16, "270 images: never below 16, even if that leaves fewer than 50 steps")
        let mid = DataDefaults.choose(for: folder(shorterSide: 32, counts: [1600, 1600]), kind: .cbam, given: .init(), availableBytes: plenty)
        XCTAssertEqual(mid.batchSize, 64, "3200 images: the largest power of two that still gives 50 steps")
    }

    func testWhatTheUserGaveIsKeptAndNotAnnounced() throws {
        let photos = folder(shorterSide: 240, counts: [400, 400])
        let all = DataDefaults.choose(for: photos, kind: .cbam, given: .init(architecture: .resnet50, imageSize: 224, batchSize: 32),
                                      availableBytes: plenty)
        XCTAssertEqual(all.architecture, .resnet50)
        XCTAssertEqual(all.imageSize, 224)
        XCTAssertEqual(all.batchSize, 32)
        XCTAssertNil(all.summary)
        let some = DataDefaults.choose(for: photos, kind: .cbam, given: .init(imageSize: 64), availableBytes: plenty)
        XCTAssertEqual(some.imageSize, 64)
        XCTAssertTrue(try XCTUnwrap(some.summary).hasSuffix("override with --arch, --batch-size, --lr"), some.summary ?? "")
        XCTAssertEqual(some.batchSize, 16, "800 images: 50 steps at 16")
        XCTAssertEqual(DataDefaults.choose(for: photos, kind: .cbam, given: .init(keepsSmallResNet: true), availableBytes: plenty).architecture,
                       .resnetSmall, "--depth is resnet-small's")
        XCTAssertEqual(some.architecture, .resnet18)
        XCTAssertEqual(DataDefaults.choose(for: photos, kind: .cbam, given: .init(imageSize: 32), availableBytes: plenty).architecture,
                       .resnetSmall, "an input below the photo sizes: resnet-small")
        let vit = DataDefaults.choose(for: photos, kind: .vit, given: .init(), availableBytes: plenty)
        XCTAssertNil(vit.architecture)
        XCTAssertFalse(try XCTUnwrap(vit.summary).contains("--arch"))
    }

    func testTheBatchFitsTheMemory() throws {
        let chosen = DataDefaults.choose(for: folder(shorterSide: 240, counts: [20_000, 20_000]), kind: .cbam, given: .init(),
                                         availableBytes: 1_073_741_824)
        var model = ModelConfiguration(kind: .cbam, resnet: .resnet18, channels: 3, imageSize: 112, classes: 2)
        model.width = ModelConfiguration.Architecture.resnet18.defaultSizes.width
        XCTAssertLessThan(chosen.batchSize, TrainingOptions.defaultBatchSize)
        XCTAssertLessThanOrEqual(TrainingOptions.defaults(for: model).estimatedPeakBytes(batchSize: chosen.batchSize), 0.5 * 1_073_741_824)
        XCTAssertTrue(try XCTUnwrap(chosen.summary).contains("what the memory allows"))
    }

    func testWarningsForFewStepsAndImbalancedClasses() {
        let few = DataDefaults.warnings(images: 109, batchSize: 128, epochs: 15, classNames: ["a", "b"], classCounts: [55, 54], balanced: false)
        XCTAssertEqual(few, ["only 1 step per epoch (109 training images at batch 128), 15 in all; --batch-size 16, more epochs (--epochs 750) or more images would train it further"])
        XCTAssertEqual(DataDefaults.warnings(images: 6400, batchSize: 128, epochs: 15, classNames: ["a", "b"], classCounts: [3200, 3200],
                                             balanced: false), [])
        let imbalanced = DataDefaults.warnings(images: 6400, batchSize: 64, epochs: 15, classNames: ["cats", "dogs"],
                                               classCounts: [6000, 400], balanced: false)
        XCTAssertEqual(imbalanced, ["the classes are imbalanced: 'cats' has 6000 training images, 'dogs' 400 (15×); --balance samples every class equally often"])
        XCTAssertEqual(DataDefaults.warnings(images: 6400, batchSize: 64, epochs: 15, classNames: ["cats", "dogs"],
                                             classCounts: [6000, 400], balanced: true), [])
        XCTAssertEqual(DataDefaults.warnings(images: 6400, batchSize: 64, epochs: 15, classNames: ["cats", "dogs"],
                                             classCounts: [5000, 1000], balanced: false), [], "5× is not over 5×")
    }
}
