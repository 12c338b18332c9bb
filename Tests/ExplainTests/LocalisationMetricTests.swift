import XCTest
import CBAMKit
import ImageCodecs

/// The two localisation measures on hand-made maps whose answers are known, and over a
/// tiny model of every kind.
final class LocalisationMetricTests: XCTestCase {
    /// 8×6 maps; the box covers 3×2 of the 48 pixels.
    private static let box = PixelBox(x: 4, y: 1, width: 3, height: 2)
    private static func inside(_ x: Int, _ y: Int) -> Bool { box.contains(x: x, y: y) }

    private static func map(_ value: (_ x: Int, _ y: Int) -> Float) -> ScalarMap {
        ScalarMap(width: 8, height: 6, values: (0..<48).map { value($0 % 8, $0 / 8) })
    }

    func testAMapThatIsOneInsideTheBoxScoresTheInverseAreaShareAndHits() {
        let map = Self.map { Self.inside($0, $1) ? 1 : 0 }
        let mass = AttentionMass(map, inside: Self.inside)
        XCTAssertEqual(mass.areaShare, 6.0 / 48)
        XCTAssertEqual(mass.massShare, 1)
        XCTAssertEqual(mass.ratio, 8, accuracy: 1e-12, "1 / area share")
        XCTAssertEqual(PointingGame.hit(map, inside: Self.inside), 1, "all six maxima are inside")
    }

    func testAUniformMapHasRatioOneAndPointsAsChanceDoes() {
        let map = Self.map { _, _ in 0.3 }
        XCTAssertEqual(AttentionMass(map, inside: Self.inside).ratio, 1, accuracy: 1e-12)
        XCTAssertEqual(PointingGame.hit(map, inside: Self.inside), 6.0 / 48, accuracy: 1e-12, "every pixel is a maximum")
    }

    func testAMapWhoseMaximumIsOutsideMisses() {
        // Most of the mass is inside, but the single strongest pixel is not.
        let map = Self.map { x, y in x == 0 && y == 5 ? 2 : Self.inside(x, y) ? 1.5 : 0 }
        XCTAssertEqual(PointingGame.hit(map, inside: Self.inside), 0)
        XCTAssertGreaterThan(AttentionMass(map, inside: Self.inside).ratio, 1)
        // One pixel of value 1 inside, at the box's far corner: a hit.
        XCTAssertEqual(PointingGame.hit(Self.map { x, y in x == 6 && y == 2 ? 1 : 0 }, inside: Self.inside), 1)
    }

    func testTiedMaximaScoreTheShareOfThemInside() {
        let map = Self.map { x, y in (x == 4 && y == 1) || (x == 0 && y == 0) || (x == 7 && y == 5) || (x == 5 && y == 2) ? 1 : 0.5 }
        XCTAssertEqual(PointingGame.hit(map, inside: Self.inside), 0.5)
    }

    /// Over every kind of model: a region that is the whole image scores ratio 1 and
    /// always hits, and the scores for a box are the means of each image's own, taken
    /// on its map upsampled to the image's size.
    func testMeasureScoresEveryMapAtEachImagesResolution() throws {
        let folder = TinyModels.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = [TinyModels.noiseImage(width: 20, height: 20, channels: 3, seed: 1),
                      TinyModels.noiseImage(width: 24, height: 18, channels: 3, seed: 2),
                      TinyModels.noiseImage(width: 16, height: 16, channels: 3, seed: 3)]
        let boxes = [PixelBox(x: 2, y: 3, width: 9, height: 7), PixelBox(x: 12, y: 0, width: 12, height: 18),
                     PixelBox(x: 0, y: 8, width: 16, height: 8)]
        for kind in ModelConfiguration.Kind.allCases {
            let model = try TinyModels.saved(kind, in: folder)
            let explainer = try Explainer(model: model, methods: ExplanationMethod.available(for: model.network))
            let whole = AttentionLocalisation.measure(explainer, images: images, regions: images.map { _ in { _, _ in true } },
                                                      batchSize: 2)
            XCTAssertEqual(whole.map(\.layer), explainer.layers.map(\.layer), "\(kind)")
            XCTAssertEqual(whole.map(\.method), explainer.layers.map(\.method), "\(kind)")
            for map in whole {
                XCTAssertEqual(map.mass.ratio, 1, accuracy: 1e-12, "\(kind) \(map.layer)")
                XCTAssertEqual(map.pointingHitRate, 1, "\(kind) \(map.layer)")
            }

            // One batch, as `explain` below: the same maps to the last bit.
            let measured = AttentionLocalisation.measure(explainer, images: images, regions: boxes.map { box in { box.contains(x: $0, y: $1) } })
            let explanations = explainer.explain(images)
            for (m, map) in measured.enumerated() {
                let hits = zip(images, zip(boxes, explanations)).map { image, item in
                    PointingGame.hit(item.1.maps[m].map.resized(width: image.width, height: image.height),
                                     inside: { item.0.contains(x: $0, y: $1) })
                }
                XCTAssertEqual(map.pointingHitRate, hits.reduce(0, +) / 3, accuracy: 1e-12, "\(kind) \(map.layer)")
                let areaShares = zip(images, boxes).map { Double($1.width * $1.height) / Double($0.width * $0.height) }
                XCTAssertEqual(map.mass.areaShare, areaShares.reduce(0, +) / 3, accuracy: 1e-12, "\(kind) \(map.layer)")
            }
        }
    }
}
