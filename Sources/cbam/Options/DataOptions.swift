import ArgumentParser
import CBAMKit

/// How a folder of images becomes training and validation batches: shared by train
/// and compare.
struct DataOptions: ParsableArguments {
    @Option(help: "Share of each class held out when DIR has no train/ + val/ folders.")
    var valSplit = DataSplit.defaultValidationShare
    @Flag(help: "No horizontal flips (for data where a flip changes the class).") var noFlip = false
    @Option(help: "Random crops come from the image padded by this many pixels (default S/8, rounded up; fit-whole only).")
    var cropPadding: Int?
    @Option(help: "fit-whole (resize the whole image to S×S; pad-and-crop in training) or photo (resize the shorter side to round(S/0.875) and crop the centre; random-resized crops in training). Default: fit-whole up to S = \(ImageTransform.largestSmallImage), photo above. The model file keeps it for classify.")
    var transform: ImageTransform?
    @Option(help: "Photos: scale brightness, contrast and saturation, in that order, each by a random factor in [1−s, 1+s] (default 0: off).")
    var colourJitter: Float?
    @Option(help: "Keep decoded images in memory up to this many MB; beyond it they are decoded each epoch.")
    var cacheMb = ImageSet.defaultCacheMegabytes

    func validate() throws {
        guard valSplit >= 0 && valSplit < 1 else { throw ValidationError("--val-split: \(valSplit) is outside [0, 1)") }
        guard (0...(1 << 24)).contains(cacheMb) else { throw ValidationError("--cache-mb: \(cacheMb) is outside 0–\(1 << 24)") }
    }

    /// The transform for images of side `imageSize`: the one given, else the default for the size.
    func transform(imageSize: Int) -> ImageTransform {
        transform ?? .default(imageSize: imageSize)
    }

    func apply(to options: inout TrainingOptions) {
        options.transform = transform(imageSize: options.model.imageSize)
        if let colourJitter { options.augmentation.colourJitter = colourJitter }
        options.augmentation.flip = !noFlip
        if let cropPadding { options.augmentation.padding = cropPadding }
    }
}

extension ImageTransform: ExpressibleByArgument {}
