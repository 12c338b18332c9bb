import ArgumentParser
import CBAMKit

/// How a folder of images becomes training and validation batches: shared by train
/// and compare.
struct DataOptions: ParsableArguments {
    @Option(help: "Share of each class held out when DIR has no train/ + val/ folders.")
    var valSplit = DataSplit.defaultValidationShare
    @Flag(help: "No horizontal flips (for data where a flip changes the class).") var noFlip = false
    @Option(help: "Random crops come from the image padded by this many pixels (default S/8, rounded up).")
    var cropPadding: Int?
    @Option(help: "Keep decoded images in memory up to this many MB; beyond it they are decoded each epoch.")
    var cacheMb = ImageSet.defaultCacheMegabytes

    func validate() throws {
        guard valSplit >= 0 && valSplit < 1 else { throw ValidationError("--val-split: \(valSplit) is outside [0, 1)") }
        guard (0...(1 << 24)).contains(cacheMb) else { throw ValidationError("--cache-mb: \(cacheMb) is outside 0–\(1 << 24)") }
    }

    func apply(to options: inout TrainingOptions) {
        options.augmentation.flip = !noFlip
        if let cropPadding { options.augmentation.padding = cropPadding }
    }
}
