import CBAMKit
import Foundation
import ImageCodecs

/// Values that break careless code: bounds and their neighbours, the extremes of Int and
/// Float, and text that is not a number. Shared by the option and model-file fuzz tests.
enum FuzzValues {
    static let integers: [String] = [
        "-9223372036854775808", "-1000000", "-4", "-1", "0", "1", "2", "3", "4", "5", "7", "8", "9", "15", "16", "17",
        "31", "32", "33", "64", "100", "255", "256", "1000", "2048", "2049", "4096", "4097", "65536", "65537", "100000",
        "1000000000", "999999999999", "2147483647", "2147483648", "9223372036854775807",
    ]
    static let reals: [String] = ["nan", "-nan", "inf", "-inf", "-1", "0", "1e-30", "0.001", "0.1", "0.5", "0.999999",
                                  "1", "1.5", "10", "1e30", "3.4e39"]
    static let garbage: [String] = ["", "abc", "1e", "0x10", "--", "１", "1,5", " 3", "[]", "null", "[1, 2]", "{}"]

    /// One value for `kind` of option: mostly of its own kind, sometimes garbage.
    static func value(real: Bool, using generator: inout RandomGenerator) -> String {
        switch generator.next() % 10 {
        case 0: return garbage[Int(generator.next() % UInt64(garbage.count))]
        case 1: return String(Int(generator.next() % 5000) - 100)
        default:
            let pool = real ? reals + integers : integers
            return pool[Int(generator.next() % UInt64(pool.count))]
        }
    }
}

/// A folder with a tiny model file of each architecture and a small image, made once.
final class FuzzFixtures {
    let folder: URL
    let image: URL
    let models: [URL]

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        image = folder.appendingPathComponent("image.png")
        var pixels = [UInt8](repeating: 0, count: 20 * 14 * 3)
        for i in pixels.indices { pixels[i] = UInt8(i * 7 % 256) }
        try Image(width: 20, height: 14, channels: 3, pixels: pixels).writePNG(to: image.path)
        let configurations = [
            ModelConfiguration(attention: .cbam, channels: 3, imageSize: 8, classes: 3, width: 4),
            ModelConfiguration(architecture: .vitTiny, attention: .none, channels: 3, imageSize: 8, classes: 3,
                               width: 8, depth: 1, patchSize: 4, heads: 2),
        ]
        let folder = folder
        models = try configurations.enumerated().map { index, configuration in
            let url = folder.appendingPathComponent("model\(index).safetensors")
            let metadata = ModelMetadata(configuration: configuration, classNames: ["a", "b", "c"],
                                         mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])
            try ModelFile.save(configuration.makeModel(seed: 3), metadata: metadata, to: url)
            return url
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}
