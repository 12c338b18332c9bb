import CBAMKit
import Foundation

/// Small IDX pairs (the MNIST format) for import tests: `count` 28×28 noise images
/// labelled 0, 1, 2, 0, …, written as `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte`.
enum TinyIDX {
    static func write(count: Int, in folder: URL, prefix: String = "train", seed: UInt64 = 1) throws -> (images: String, labels: String) {
        func header(_ dimensions: [Int]) -> [UInt8] {
            [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (24 - 8 * $0)) } }
        }
        var generator = RandomGenerator(seed: seed)
        let pixels = (0..<(count * 28 * 28)).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) }
        let paths = (images: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte").path,
                     labels: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte").path)
        try Data(header([count, 28, 28]) + pixels).write(to: URL(fileURLWithPath: paths.images))
        try Data(header([count]) + (0..<count).map { UInt8($0 % 3) }).write(to: URL(fileURLWithPath: paths.labels))
        return paths
    }
}
