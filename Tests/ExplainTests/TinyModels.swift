import Foundation
import CBAMKit
import ImageCodecs

/// Small randomly initialised models, saved and loaded the way `cbam attention` loads one.
enum TinyModels {
    static let classNames = ["circle", "cross", "square"]

    static func configuration(_ kind: ModelConfiguration.Kind, channels: Int = 3, imageSize: Int = 16) -> ModelConfiguration {
        var configuration = ModelConfiguration(kind: kind, channels: channels, imageSize: imageSize, classes: classNames.count)
        configuration.width = 4
        configuration.reduction = 2
        return configuration
    }

    /// A fresh folder under the system's temporary one.
    static func temporaryFolder() -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-explain-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A model of `kind` written to `folder` and read back as a `TrainedModel`.
    static func saved(_ kind: ModelConfiguration.Kind, in folder: URL, channels: Int = 3, seed: UInt64 = 3) throws -> TrainedModel {
        let configuration = configuration(kind, channels: channels)
        let network = configuration.makeModel(seed: seed)
        // One training-mode pass moves BatchNorm's running statistics off their initial values.
        _ = network.forward(randomImages(count: 4, configuration: configuration), .training)
        let url = folder.appendingPathComponent("\(kind.rawValue).safetensors")
        let metadata = ModelMetadata(configuration: configuration, classNames: classNames, mean: [Float](repeating: 0.5, count: channels),
                                              std: [Float](repeating: 0.25, count: channels))
        try ModelFile.save(network, metadata: metadata, to: url)
        return try TrainedModel(contentsOf: url)
    }

    static func randomImages(count: Int, configuration: ModelConfiguration, seed: UInt64 = 5) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        let shape = [count, configuration.channels, configuration.imageSize, configuration.imageSize]
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }

    /// An 8-bit image of noise.
    static func noiseImage(width: Int, height: Int, channels: Int, seed: UInt64 = 9) -> Image {
        var generator = RandomGenerator(seed: seed)
        return Image(width: width, height: height, channels: channels,
                     pixels: (0..<(width * height * channels)).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) })
    }
}
