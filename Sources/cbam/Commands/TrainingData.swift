import CBAMKit

/// The images `train` and `compare` learn from: the split decoded (undecodable files
/// named on stderr and skipped), checked to have every class, and announced with the
/// `Found N images in K classes (...)` line.
struct TrainingData {
    let split: DataSplit
    let training: ImageSet
    let validation: ImageSet
    let skipped: Int

    init(directory: String, options: DataOptions, seed: UInt64, imageSize: Int, transform: ImageTransform, channels: Int?) throws {
        try self.init(split: Self.split(directory, options: options, seed: seed), directory: directory, options: options,
                      imageSize: imageSize, transform: transform, channels: channels)
    }

    /// The folder's split, before anything is decoded (`train` chooses its defaults from it).
    static func split(_ directory: String, options: DataOptions, seed: UInt64) throws -> DataSplit {
        try DataSplit(root: directory, validationShare: options.valSplit, seed: seed)
    }

    init(split: DataSplit, directory: String, options: DataOptions, imageSize: Int, transform: ImageTransform, channels: Int?) throws {
        self.split = split
        var skipped = 0
        func load(_ files: [LabeledFile], channels: Int?) -> ImageSet {
            ImageSet.load(files, imageSize: imageSize, channels: channels, transform: transform, cacheBytes: options.cacheMb << 20) { error in
                skipped += 1
                StandardError.line("skipped \(error)")
            }
        }
        training = load(split.training, channels: channels)
        validation = load(split.validation, channels: training.channels)
        self.skipped = skipped
        if let empty = training.classCounts(classes: split.classNames.count).firstIndex(of: 0) {
            throw DatasetError(path: directory, reason: "class '\(split.classNames[empty])' has no training images that decode")
        }
        StandardError.line("Found \(training.count + validation.count) images in \(split.classNames.count) classes (\(training.count) training, \(validation.count) validation; split: \(split.origin))")
        if split.heldOutFolder == "test" {
            StandardError.line("note: test/ chooses the best epoch here, so its score is optimistic; give val/ beside train/ and test/ to keep test/ for the final score (cbam evaluate)")
        }
        if !training.isCached { StandardError.line("note: the images exceed --cache-mb \(options.cacheMb); decoding them each epoch") }
    }

    /// Repeats the count of skipped files at the end of a run.
    func reportSkipped() {
        if skipped > 0 { StandardError.line("\(skipped) file\(skipped == 1 ? "" : "s") skipped (named above)") }
    }
}
