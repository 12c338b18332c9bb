import ArgumentParser
import CBAMKit

/// The network's input: shared by train, compare and bench.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("image-size"), help: "The network's input side S (default \(ModelConfiguration().imageSize); fine-tuning: the --init model's).")
    var requestedImageSize: Int?
    /// S as given, else the default.
    var imageSize: Int { requestedImageSize ?? ModelConfiguration().imageSize }
    @Option(help: "1 (grey) or 3 (RGB); default: 1 when every training image is grey, else 3 (bench: 3).")
    var channels: Int?
}
