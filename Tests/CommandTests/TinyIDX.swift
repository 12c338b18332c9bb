import CBAMKit
import Foundation

/// Small IDX pairs (the MNIST format) for import tests, written as
/// `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte`.
enum TinyIDX {
    /// `count` 28×28 noise images labelled 0, 1, 2, 0, ….
    static func write(count: Int, in folder: URL, prefix: String = "train", seed: UInt64 = 1) throws -> (images: String, labels: String) {
        var generator = RandomGenerator(seed: seed)
        let pixels = (0..<(count * 28 * 28)).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) }
        return try write(pixels: pixels, labels: (0..<count).map { $0 % 3 }, in: folder, prefix: prefix)
    }

    /// Given 28×28 grey images, one after another, and their labels.
    static func write(pixels: [UInt8], labels: [Int], in folder: URL, prefix: String) throws -> (images: String, labels: String) {
        precondition(pixels.count == labels.count * 28 * 28, "28×28 pixels per label")
        func header(_ dimensions: [Int]) -> [UInt8] {
            [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (24 - 8 * $0)) } }
        }
        let paths = (images: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte").path,
                     labels: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte").path)
        try Data(header([labels.count, 28, 28]) + pixels).write(to: URL(fileURLWithPath: paths.images))
        try Data(header([labels.count]) + labels.map { UInt8($0) }).write(to: URL(fileURLWithPath: paths.labels))
        return paths
    }
}
