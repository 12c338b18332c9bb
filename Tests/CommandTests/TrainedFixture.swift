import CBAMKit
import Foundation
@testable import cbam

/// A model that `cbam train` made in one epoch from a small photo-like folder (two classes,
/// six colour images each, S = 16), made once for the tests that inspect and run one.
struct TrainedFixture: Sendable {
    let root: URL
    /// `root/images/<class>/<n>.png`.
    let images: URL
    let model: URL

    static let shared: TrainedFixture? = try? make()

    private static func make() throws -> TrainedFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-trained-\(UUID().uuidString)")
        let images = root.appendingPathComponent("images")
        try PhotoFolder.write(to: images)
        let model = root.appendingPathComponent("tiny.safetensors")
        var train = try CBAM.parseAsRoot(["train", images.path, "--image-size", "16", "--width", "4", "--epochs", "1",
                                          "--batch-size", "4", "--val-split", "0.34", "--out", model.path])
        try silencingStandardOutput { try train.run() }
        return TrainedFixture(root: root, images: images, model: model)
    }
}
