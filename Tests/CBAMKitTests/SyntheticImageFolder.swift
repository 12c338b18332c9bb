import Foundation
import ImageCodecs
import CBAMKit

/// A tiny generated image folder for end-to-end tests: three classes of noisy RGB
/// images told apart by their stripes (horizontal, vertical, none), written as PNG.
struct SyntheticImageFolder {
    static let classNames = ["horizontal", "plain", "vertical"]
    let root: URL

    /// `perClass` images of each class in `root/<class>/`, the same for the same seed.
    init(perClass: Int, size: Int = 12, seed: UInt64 = 1) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-data-\(UUID().uuidString)")
        var generator = RandomGenerator(seed: seed)
        for (label, name) in Self.classNames.enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let phase = Int(generator.next() % 4)
                var pixels = [UInt8](repeating: 0, count: size * size * 3)
                for y in 0..<size {
                    for x in 0..<size {
                        let stripe = label == 0 ? (y + phase) % 4 < 2 : label == 2 ? (x + phase) % 4 < 2 : false
                        for c in 0..<3 {
                            let noise = Int(generator.nextUniform() * 60)
                            pixels[(y * size + x) * 3 + c] = UInt8(min(255, (stripe ? 170 : 50) + noise))
                        }
                    }
                }
                try Image(width: size, height: size, channels: 3, pixels: pixels)
                    .writePNG(to: folder.appendingPathComponent(String(format: "%03d.png", i)).path)
            }
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
