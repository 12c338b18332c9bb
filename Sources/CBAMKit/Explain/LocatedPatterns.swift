import Foundation
import ImageCodecs

/// A generated data set for testing where a network looks: grey noise, and somewhere in
/// it a small pattern whose shape is the class. Only the pattern's box says anything
/// about the class, so a model that has learnt the task should look there.
///
/// The four shapes have about the same ink (13 to 16 pixels of 49), so the class cannot
/// be read from the image's overall brightness; each is symmetric left to right, so a
/// flip does not change the class.
public struct LocatedPatterns: Sendable {
    public static let classNames = ["bars", "cross", "plus", "ring"]
    /// The side of a pattern's box, in pixels.
    public static let patternSize = 7

    private static let shapes: [[String]] = [
        [".#...#.", ".#...#.", ".#...#.", ".#...#.", ".#...#.", ".#...#.", ".#...#."],
        ["#.....#", ".#...#.", "..#.#..", "...#...", "..#.#..", ".#...#.", "#.....#"],
        ["...#...", "...#...", "...#...", "#######", "...#...", "...#...", "...#..."],
        [".......", ".#####.", ".#...#.", ".#...#.", ".#...#.", ".#####.", "......."],
    ]

    public var imageSize: Int
    /// The background's mean and standard deviation, and the ink's grey level.
    public var backgroundMean: Float = 100
    public var backgroundSpread: Float = 45
    public var ink: Float = 230

    public init(imageSize: Int) {
        precondition(imageSize >= Self.patternSize, "the image must hold a \(Self.patternSize)×\(Self.patternSize) pattern")
        self.imageSize = imageSize
    }

    public struct Sample {
        public var image: Image
        public var label: Int
        public var box: PixelBox
    }

    /// One grey image of class `label` with its pattern at a random place.
    public func sample(label: Int, using generator: inout RandomGenerator) -> Sample {
        let s = imageSize, p = Self.patternSize
        var pixels = (0..<(s * s)).map { _ in UInt8(min(max(backgroundMean + backgroundSpread * generator.nextNormal(), 0), 255).rounded()) }
        let box = PixelBox(x: Int(generator.next() % UInt64(s - p + 1)), y: Int(generator.next() % UInt64(s - p + 1)), width: p, height: p)
        for (row, line) in Self.shapes[label].enumerated() {
            for (column, mark) in line.enumerated() where mark == "#" {
                pixels[(box.y + row) * s + box.x + column] = UInt8(ink)
            }
        }
        return Sample(image: Image(width: s, height: s, channels: 1, pixels: pixels), label: label, box: box)
    }

    /// `count` samples, the classes in turn, the same for the same seed.
    public func samples(count: Int, seed: UInt64) -> [Sample] {
        var generator = RandomGenerator(seed: seed)
        return (0..<count).map { sample(label: $0 % Self.classNames.count, using: &generator) }
    }

    /// Writes `count` samples as an ImageFolder tree, `root/<class>/<n>.png`.
    public func writeFolder(count: Int, seed: UInt64, to root: URL) throws {
        for name in Self.classNames {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        for (i, sample) in samples(count: count, seed: seed).enumerated() {
            let file = root.appendingPathComponent(Self.classNames[sample.label]).appendingPathComponent(String(format: "%05d.png", i))
            try sample.image.writePNG(to: file.path)
        }
    }
}
