import XCTest
import Foundation
import CBAMKit
import ImageCodecs

/// The located-pattern data set, the mass measurement, and a short training run whose
/// maps must favour the pattern.
final class PatternLocalisationTests: XCTestCase {
    func testPatternsSitInsideTheirBoxesAndRepeatForASeed() {
        let patterns = LocatedPatterns(imageSize: 16)
        let samples = patterns.samples(count: 8, seed: 3)
        XCTAssertEqual(samples.map(\.label), [0, 1, 2, 3, 0, 1, 2, 3])
        for sample in samples {
            XCTAssertEqual([sample.image.width, sample.image.height, sample.image.channels], [16, 16, 1])
            XCTAssertTrue(sample.box.x >= 0 && sample.box.y >= 0 && sample.box.x + 7 <= 16 && sample.box.y + 7 <= 16)
            // The ink: 13 to 16 pixels at the ink level, all inside the box.
            let inked = (0..<256).filter { sample.image.pixels[$0] == 230 }
            let inside = inked.filter { sample.box.contains(x: $0 % 16, y: $0 / 16) }
            XCTAssertGreaterThanOrEqual(inside.count, 13)
            XCTAssertLessThanOrEqual(inside.count, 16)
        }
        let pixels = samples.map(\.image.pixels)
        XCTAssertEqual(patterns.samples(count: 8, seed: 3).map(\.image.pixels), pixels, "the same seed, the same images")
        XCTAssertNotEqual(patterns.samples(count: 8, seed: 4).map(\.image.pixels), pixels)
    }

    func testAttentionMassOfUniformAndConcentratedMaps() {
        let box = PixelBox(x: 2, y: 1, width: 3, height: 3)
        let uniform = AttentionMass(ScalarMap(width: 6, height: 6, values: [Float](repeating: 0.4, count: 36)),
                                    inside: { box.contains(x: $0, y: $1) })
        XCTAssertEqual(uniform.areaShare, 9.0 / 36)
        XCTAssertEqual(uniform.ratio, 1, accuracy: 1e-12)
        let concentrated = ScalarMap(width: 6, height: 6, values: (0..<36).map { box.contains(x: $0 % 6, y: $0 / 6) ? 1 : 0 })
        XCTAssertEqual(AttentionMass(concentrated, inside: { box.contains(x: $0, y: $1) }).ratio, 4, accuracy: 1e-12)
        let mean = AttentionMass.mean([AttentionMass(massShare: 0.2, areaShare: 0.1), AttentionMass(massShare: 0.4, areaShare: 0.1)])
        XCTAssertEqual(mean.ratio, 3, accuracy: 1e-12)
    }

    func testGarmentRegionIsThePixelsAboveTheThreshold() {
        let image = Image(width: 2, height: 2, channels: 1, pixels: [0, 11, 10, 200])
        let garment = AttentionLocalisation.brighterThan(10, in: image)
        XCTAssertEqual([garment(0, 0), garment(1, 0), garment(0, 1), garment(1, 1)], [false, true, false, true])
    }

    /// A small CBAM model trained briefly (with the project's Trainer) puts more of its
    /// first block's spatial attention, and of its Grad-CAM, inside the pattern's box than
    /// the box's share of the image. (Started as the official code starts it, γ = 0 in the
    /// spatial gate's BN, the last block's gate stays almost uniform in so short a run:
    /// ratio 1.00 at 4 to 12 epochs, where the first two blocks reach 1.25 to 1.4.)
    func testAShortlyTrainedCBAMModelLooksAtThePattern() throws {
        let folder = TinyModels.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var experiment = PatternExperiment()
        experiment.imageSize = 20
        experiment.trainingImages = 1200
        experiment.validationImages = 200
        experiment.testImages = 200
        experiment.width = 16   // narrower convolutions take a much slower path in the engine
        experiment.epochs = 4
        experiment.batchSize = 32
        let result = try experiment.run(in: folder)
        XCTAssertGreaterThan(result.validationAccuracy, 0.9, "chance is 0.25")
        print("patterns test: accuracy \(result.validationAccuracy), \(result.maps.map { "\($0.layer) \($0.method) \($0.mass.ratio)" })")
        let first = try XCTUnwrap(result.maps.first { $0.method == .spatial && $0.layer == "layer1.0" })
        let gradCAM = try XCTUnwrap(result.maps.first { $0.method == .gradcam })
        XCTAssertEqual(first.mass.areaShare, result.boxShare, accuracy: 1e-12)
        XCTAssertGreaterThan(first.mass.ratio, 1.1, "first block's Ms: \(first.mass)")
        XCTAssertGreaterThan(gradCAM.mass.ratio, 2, "Grad-CAM: \(gradCAM.mass)")
    }
}
