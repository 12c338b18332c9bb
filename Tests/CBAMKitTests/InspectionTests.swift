import XCTest
import Foundation
import ImageCodecs
@testable import CBAMKit

/// Issue 13, the library side of inspecting a model: what a model file records of its
/// training, when an input is far from the model's, where the shipped model is looked
/// for, a confusion figure sized for its class count, plurals.
final class InspectionTests: XCTestCase {
    func testTheTrainingSummaryRoundTripsThroughTheMetadata() {
        let summary = TrainingSummary(data: "pets", trainingImages: 900, validationImages: 100, epoch: 7, epochs: 10,
                                      validationAccuracy: 0.875, date: "2026-11-30T12:00:00Z", initialisedFrom: "base.safetensors")
        XCTAssertEqual(summary.entries["train_images"], "900")
        XCTAssertEqual(summary.entries["val_accuracy"], "0.875")
        XCTAssertEqual(TrainingSummary(extra: summary.entries), summary)
        XCTAssertEqual(TrainingSummary(extra: ["epoch": "x", "val_accuracy": "nan", "generator": "y"]), TrainingSummary())
        XCTAssertTrue(TrainingSummary(extra: [:]).isEmpty)
        XCTAssertTrue(TrainingSummary.savedEpoch(1, of: 2, validationAccuracy: nil).date!.hasSuffix("Z"))
    }

    func testTheDataFolderIsTheOneHoldingTheClassFolders() {
        XCTAssertEqual(TrainingSummary.dataFolderName(of: ["data/pets/cat/1.jpg", "data/pets/dog/a/2.jpg"]), "pets")
        XCTAssertEqual(TrainingSummary.dataFolderName(of: ["/d/fashion/train/Bag/1.png", "/d/fashion/train/Coat/2.png"]), "fashion")
        XCTAssertEqual(TrainingSummary.dataFolderName(of: ["/d/pets/cat/1.jpg", "/d/pets/cat/2.jpg"]), "pets")
        XCTAssertNil(TrainingSummary.dataFolderName(of: []))
    }

    func testAColourPhotoOrAFarSizeIsAMismatchAndAGarmentIsNot() {
        let grey28 = ModelMetadata(configuration: ModelConfiguration(channels: 1, imageSize: 28, classes: 2),
                                   classNames: ["Bag", "Coat"], mean: [0.5], std: [0.25])
        var pixels = [UInt8](repeating: 0, count: 400 * 300 * 3)
        for i in 0..<(400 * 300) { pixels[3 * i] = 200; pixels[3 * i + 2] = UInt8(i % 256) }
        let photo = Image(width: 400, height: 300, channels: 3, pixels: pixels)
        let mismatch = InputMismatch(photo, model: grey28)
        XCTAssertEqual(mismatch?.differences, ["in colour", "400×300"])
        let message = mismatch!.message(file: "cat.jpg", modelName: "m.safetensors", model: grey28)
        XCTAssertTrue(message.contains("cat.jpg is in colour and 400×300; m.safetensors was trained on grey 28×28 images of 2 classes (Bag, Coat)"), message)

        XCTAssertNil(InputMismatch(Image(width: 28, height: 28, channels: 1, value: 90), model: grey28))
        XCTAssertNil(InputMismatch(Image(width: 112, height: 112, channels: 3, value: 90), model: grey28), "grey stored as RGB, 4× S")
        XCTAssertEqual(InputMismatch(Image(width: 10, height: 30, channels: 1), model: grey28)?.differences, ["10×30"])
        var photoModel = ModelMetadata(configuration: ModelConfiguration(channels: 3, imageSize: 64, classes: 2),
                                       classNames: ["a", "b"], mean: [0, 0, 0], std: [1, 1, 1], transform: .photo)
        XCTAssertNil(InputMismatch(photo, model: photoModel), "a photo model crops large photos")
        photoModel.transform = .fitWhole
        XCTAssertEqual(InputMismatch(photo, model: photoModel)?.differences, ["400×300"])
    }

    func testAMissingShippedModelSaysWhereItLookedAndHowToNameOne() throws {
        let nowhere = [URL(fileURLWithPath: "/nonexistent/a/Models/m.safetensors"), URL(fileURLWithPath: "/nonexistent/b/Models/m.safetensors")]
        XCTAssertThrowsError(try ShippedModel.locate(environment: [:], candidates: nowhere)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("/nonexistent/a/Models, /nonexistent/b/Models"), text)
            XCTAssertTrue(text.contains("--model FILE") && text.contains("CBAM_MODEL=FILE"), text)
        }
        XCTAssertThrowsError(try ShippedModel.locate(environment: ["CBAM_MODEL": "/nonexistent/x.safetensors"], candidates: nowhere)) { error in
            XCTAssertTrue("\(error)".hasPrefix("CBAM_MODEL=/nonexistent/x.safetensors: no such file"), "\(error)")
        }
        let here = URL(fileURLWithPath: #filePath)
        XCTAssertEqual(try ShippedModel.locate(environment: [:], candidates: nowhere + [here]), here)
    }

    func testTheConfusionFigureScalesItsCellsWithTheClassCount() {
        func chart(classes: Int) -> (cell: Int, scale: Int) {
            let names = (0..<classes).map { "class \($0)" }
            let confusion = (0..<classes).map { r in (0..<classes).map { $0 == r ? 9 : 1 } }
            let report = ClassificationReport(classNames: names, confusion: confusion, topK: min(5, classes), inTopK: 0, lossSum: 0)
            let chart = ConfusionMatrixFigure.chart(report)
            return (chart.layout().cellSize, chart.textScale)
        }
        let three = chart(classes: 3), ten = chart(classes: 10), hundred = chart(classes: 100)
        XCTAssertGreaterThanOrEqual(three.cell, 120, "3 classes get large cells")
        XCTAssertGreaterThan(three.cell, ten.cell)
        XCTAssertGreaterThan(ten.cell, hundred.cell)
        XCTAssertEqual([three.scale, ten.scale, hundred.scale], [2, 2, 1], "many classes, small labels")
    }

    func testCountsHaveTheirPlural() {
        XCTAssertEqual(counted(1, "epoch"), "1 epoch")
        XCTAssertEqual(counted(3, "epoch"), "3 epochs")
        XCTAssertEqual(counted(2, "class"), "2 classes")
        XCTAssertEqual(counted(0, "image"), "0 images")
        XCTAssertEqual(counted(2, "batch"), "2 batches")
    }
}
