import XCTest
import CBAMKit
import ImageCodecs

/// Cluttered Fashion-MNIST's generator on hand-made sources whose answers are known.
final class ClutteredImagesTests: XCTestCase {
    private static let side = 28

    /// A 28×28 image of `value` everywhere.
    private static func constant(_ value: UInt8) -> Image {
        Image(width: side, height: side, channels: 1, value: value)
    }

    /// A 28×28 "garment": 200 on columns 5…20 of rows 3…25, 10 (not above the threshold)
    /// on row 27 and column 0, black elsewhere. Its tight box is (5, 3, 16, 23).
    private static let garment: Image = {
        var pixels = [UInt8](repeating: 0, count: side * side)
        for y in 0..<side {
            for x in 0..<side {
                if (5...20).contains(x) && (3...25).contains(y) { pixels[y * side + x] = 200 }
                if y == 27 || x == 0 { pixels[y * side + x] = 10 }
            }
        }
        return Image(width: side, height: side, channels: 1, pixels: pixels)
    }()

    private static func noise(count: Int, seed: UInt64) -> [Image] {
        var generator = RandomGenerator(seed: seed)
        return (0..<count).map { _ in
            Image(width: side, height: side, channels: 1, pixels: (0..<(side * side)).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) })
        }
    }

    func testTheSameSeedGivesTheSameImagesAndBoxesAndAnotherSeedOrSplitDoesNot() throws {
        let sources = Self.noise(count: 5, seed: 1)
        func samples(_ seed: UInt64, _ split: ClutteredImages.Split) throws -> [ClutteredImages.Sample] {
            let cluttered = try ClutteredImages(sources: sources, seed: seed, split: split)
            return sources.indices.map(cluttered.sample)
        }
        let reference = try samples(7, .train)
        XCTAssertEqual(try samples(7, .train), reference)
        XCTAssertNotEqual(try samples(8, .train).map(\.image), reference.map(\.image))
        XCTAssertNotEqual(try samples(8, .train).map(\.box), reference.map(\.box))
        XCTAssertNotEqual(try samples(7, .test).map(\.box), reference.map(\.box), "each split has its own seed")
    }

    /// With black clutter sources, the image is the garment at its offset and nothing else.
    func testTheGarmentLiesInItsBoxAndTheTightBoxBoundsItsPixelsAboveTen() throws {
        let cluttered = try ClutteredImages(sources: [Self.garment, Self.constant(0), Self.constant(0)], seed: 3, split: .train)
        var offsets = Set<Int>()
        for seed in 0..<200 as Range<UInt64> {
            let cluttered = try ClutteredImages(sources: cluttered.sources, seed: seed, split: .train)
            let sample = cluttered.sample(0)
            let (x, y) = (sample.box.x, sample.box.y)
            XCTAssertEqual(sample.box, PixelBox(x: x, y: y, width: 28, height: 28))
            XCTAssertEqual(sample.box, cluttered.layout(of: 0).garment)
            XCTAssertTrue((0...28).contains(x) && (0...28).contains(y), "offset (\(x), \(y))")
            offsets.formUnion([x, y])
            XCTAssertEqual(sample.tightBox, PixelBox(x: x + 5, y: y + 3, width: 16, height: 23))
            XCTAssertEqual([sample.image.width, sample.image.height, sample.image.channels], [56, 56, 1])
            for py in 0..<56 {
                for px in 0..<56 {
                    let expected = sample.box.contains(x: px, y: py) ? Self.garment.pixels[(py - y) * 28 + px - x] : 0
                    XCTAssertEqual(sample.image.pixels[py * 56 + px], expected, "(\(px), \(py)) seed \(seed)")
                }
            }
        }
        XCTAssertTrue(offsets.contains(0) && offsets.contains(28), "both ends of 0…28 are drawn")
    }

    /// Every pixel is the largest of the garment and the clutter patches that cover it.
    func testPixelsAreTheMaximumOfTheGarmentAndTheClutterPatches() throws {
        let sources = Self.noise(count: 6, seed: 2)
        let cluttered = try ClutteredImages(sources: sources, seed: 11, split: .test)
        for index in sources.indices {
            let layout = cluttered.layout(of: index), image = cluttered.sample(index).image
            XCTAssertEqual(layout.patches.count, 6)
            for py in 0..<56 {
                for px in 0..<56 {
                    var expected: UInt8 = 0
                    for patch in layout.patches where PixelBox(x: patch.x, y: patch.y, width: 9, height: 9).contains(x: px, y: py) {
                        XCTAssertEqual([patch.crop.width, patch.crop.height], [9, 9])
                        let (sx, sy) = (patch.crop.x + px - patch.x, patch.crop.y + py - patch.y)
                        expected = max(expected, sources[patch.source].pixels[sy * 28 + sx])
                    }
                    if layout.garment.contains(x: px, y: py) {
                        expected = max(expected, sources[index].pixels[(py - layout.garment.y) * 28 + px - layout.garment.x])
                    }
                    XCTAssertEqual(image.pixels[py * 56 + px], expected, "image \(index) at (\(px), \(py))")
                }
            }
        }
    }

    /// Sources of one grey level each: an image's own level never appears outside its
    /// garment's box, so no clutter is cut from the garment itself.
    func testClutterNeverComesFromTheImageItself() throws {
        let levels: [UInt8] = [40, 80, 120, 160]
        let cluttered = try ClutteredImages(sources: levels.map(Self.constant), seed: 5, split: .train)
        var used = Set<Int>()
        for seed in 0..<100 as Range<UInt64> {
            let cluttered = try ClutteredImages(sources: cluttered.sources, seed: seed, split: .train)
            for index in levels.indices {
                let sample = cluttered.sample(index)
                XCTAssertFalse(cluttered.layout(of: index).patches.contains { $0.source == index })
                used.formUnion(cluttered.layout(of: index).patches.map(\.source))
                for py in 0..<56 {
                    for px in 0..<56 where !sample.box.contains(x: px, y: py) {
                        XCTAssertNotEqual(sample.image.pixels[py * 56 + px], levels[index], "image \(index) seed \(seed) at (\(px), \(py))")
                    }
                }
            }
        }
        XCTAssertEqual(used, Set(levels.indices), "every other image serves as clutter")
    }

    func testSourcesThatCannotBeClutteredAreRefusedWithTheReason() {
        func reason(_ sources: [Image]) -> String {
            do { _ = try ClutteredImages(sources: sources, seed: 0, split: .train); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertEqual(reason([Self.garment]), "has 1 image; clutter is cut from other images, so it needs at least 2")
        XCTAssertEqual(reason([Image(width: 8, height: 8, channels: 1), Image(width: 8, height: 8, channels: 1)]),
                       "has 8×8 images; cluttering needs sides from 9 (a clutter patch) to 56 (the canvas)")
        XCTAssertEqual(reason([Self.garment, Image(width: 27, height: 28, channels: 1)]), "image 1 is not grey 28×28 as image 0 is")
    }
}
