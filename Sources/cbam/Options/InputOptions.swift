import ArgumentParser
import CBAMKit

/// The network's input: shared by train, compare and bench.
struct InputOptions: ParsableArguments {
    @Option(help: "Images are resized to S×S.") var imageSize = ModelConfiguration().imageSize
    @Option(help: "1 (grey) or 3 (RGB); default: 1 when every training image is grey, else 3 (bench: 3).")
    var channels: Int?
}
