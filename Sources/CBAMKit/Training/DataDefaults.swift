/// The architecture, image size and batch that suit a folder, for what the user did
/// not choose: photos (median shorter side above `largestSmallImage`) train an official
/// ResNet-18 at up to `photoImageSize` px, small images resnet-small at their own size;
/// the batch is the largest power of two that still gives `targetStepsPerEpoch` steps
/// (between `smallestBatch` and the default 128) and fits the memory available. A
/// pure function of the folder's summary and the memory, so it is tested without images.
public struct DataDefaults: Equatable, Sendable {
    /// nil for the ViT (it has one architecture).
    public var architecture: ModelConfiguration.Architecture?
    public var imageSize: Int
    public var batchSize: Int
    /// SGD's learning rate scaled with a smaller chosen batch (`TrainingOptions.scaledLearningRate`);
    /// nil when --lr, --batch-size or AdamW was given, or the batch is the default.
    public var learningRate: Float?
    /// The one line `train` prints: what it chose, why, and the flags that override it;
    /// nil when the user chose all three.
    public var summary: String?

    /// Above this median shorter side (pixels) a folder holds photos.
    public static let largestSmallImage = 64
    public static let photoArchitecture = ModelConfiguration.Architecture.resnet18
    /// A photo's input side: modest for a CPU (ResNet-18 at 112 px is a quarter of its 224 px FLOPs).
    public static let photoImageSize = 112
    public static let smallestPhotoImageSize = 64
    /// An epoch should update the weights at least this often.
    public static let targetStepsPerEpoch = 50
    public static let smallestBatch = 16
    /// Largest class over smallest beyond which `train` warns.
    public static let imbalanceRatio = 5.0
    /// Share of the available memory a chosen batch may use (the rest for the images, the OS, others).
    static let memoryShare = 0.5

    /// What the user gave on the command line (nil: choose it from the data).
    public struct Given: Equatable, Sendable {
        public var architecture: ModelConfiguration.Architecture?
        public var imageSize: Int?
        public var batchSize: Int?
        /// --depth (resnet-small's) keeps resnet-small.
        public var keepsSmallResNet: Bool
        /// --lr or --optimizer given: the learning rate is the user's (or AdamW's, which is not scaled).
        public var keepsLearningRate: Bool

        public init(architecture: ModelConfiguration.Architecture? = nil, imageSize: Int? = nil, batchSize: Int? = nil,
                    keepsSmallResNet: Bool = false, keepsLearningRate: Bool = false) {
            self.architecture = architecture
            self.imageSize = imageSize
            self.batchSize = batchSize
            self.keepsSmallResNet = keepsSmallResNet
            self.keepsLearningRate = keepsLearningRate
        }
    }

    public static func choose(for folder: FolderSummary, kind: ModelConfiguration.Kind, given: Given,
                              availableBytes: Double) -> DataDefaults {
        let photos = folder.medianShorterSide > largestSmallImage
        let imageSize = given.imageSize ?? (photos ? photoSize(shorterSide: folder.medianShorterSide) : smallSize(folder.medianShorterSide))
        // The network suits the input: an --image-size below the photo sizes keeps resnet-small.
        let photoNetwork = photos && imageSize >= smallestPhotoImageSize && !given.keepsSmallResNet
        let architecture: ModelConfiguration.Architecture? = kind == .vit ? nil
            : given.architecture ?? (photoNetwork ? photoArchitecture : .resnetSmall)
        let channels = folder.isColour ? 3 : 1
        let memoryBatch = largestBatch(kind: kind, architecture: architecture, channels: channels, imageSize: imageSize,
                                       classes: folder.classNames.count, bytes: availableBytes * memoryShare)
        let batchSize = given.batchSize ?? batch(images: folder.trainingImages, memoryLimit: memoryBatch)

        let learningRate = given.batchSize == nil && !given.keepsLearningRate && kind != .vit
            && batchSize < TrainingOptions.defaultBatchSize ? TrainingOptions.scaledLearningRate(batchSize: batchSize) : nil
        var chosen: [String] = [], flags: [String] = []
        if given.architecture == nil, let architecture, kind != .vit { chosen.append(architecture.rawValue); flags.append("--arch") }
        if given.imageSize == nil { chosen.append("\(imageSize) px"); flags.append("--image-size") }
        if given.batchSize == nil { chosen.append("batch \(batchSize)"); flags.append("--batch-size") }
        if let learningRate {
            chosen.append("lr \(learningRate) (\(TrainingOptions.OptimizerKind.sgd.defaultLearningRate) × \(batchSize)/\(TrainingOptions.defaultBatchSize))")
            flags.append("--lr")
        }
        let what = "\(folder.trainingImages) training \(photos ? "photos" : "images"), median shorter side \(folder.medianShorterSide) px, "
            + (folder.isColour ? "colour" : "grey")
        let summary = chosen.isEmpty ? nil
            : "Chose \(chosen.joined(separator: ", ")) for \(what)\(given.batchSize == nil ? batchReason(batchSize, images: folder.trainingImages) : ""); override with \(flags.joined(separator: ", "))"
        return DataDefaults(architecture: architecture, imageSize: imageSize, batchSize: batchSize, learningRate: learningRate,
                            summary: summary)
    }

    /// `photoImageSize`, or less for photos too small to crop it from (R = S/0.875 must fit
    /// the shorter side): a multiple of 16, at least `smallestPhotoImageSize`.
    static func photoSize(shorterSide: Int) -> Int {
        let fitting = Int(Double(shorterSide) * 0.875) / 16 * 16
        return max(min(photoImageSize, fitting), smallestPhotoImageSize)
    }

    /// Small images train at their own size, rounded to a multiple of 4 (at least 8).
    static func smallSize(_ shorterSide: Int) -> Int {
        max((shorterSide + 2) / 4 * 4, 8)
    }

    /// The largest power of two up to the default batch that leaves `targetStepsPerEpoch`
    /// steps, at least `smallestBatch`, and no more than the memory allows.
    static func batch(images: Int, memoryLimit: Int) -> Int {
        var batch = TrainingOptions.defaultBatchSize
        while batch > smallestBatch && images / batch < targetStepsPerEpoch { batch /= 2 }
        while batch > TrainingOptions.Limits.batchSize.lowerBound && batch > memoryLimit { batch /= 2 }
        return batch
    }

    /// Why the batch is below the default: the memory, or the steps per epoch.
    private static func batchReason(_ batch: Int, images: Int) -> String {
        if batch < Self.batch(images: images, memoryLimit: .max) { return " (batch: what the memory allows)" }
        return batch < TrainingOptions.defaultBatchSize ? " (batch: \(images / batch) steps per epoch)" : ""
    }

    static func largestBatch(kind: ModelConfiguration.Kind, architecture: ModelConfiguration.Architecture?, channels: Int,
                             imageSize: Int, classes: Int, bytes: Double) -> Int {
        let model = ModelConfiguration(kind: kind, resnet: architecture ?? .resnetSmall, channels: channels,
                                       imageSize: imageSize, classes: classes)
        return TrainingOptions.defaults(for: model).largestBatch(within: bytes)
    }

    /// What a user should know before the run: few steps per epoch (109 photos at batch 128
    /// made one), classes so imbalanced that the small ones are rarely seen (unless `balanced`).
    public static func warnings(images: Int, batchSize: Int, epochs: Int, classNames: [String], classCounts: [Int],
                                balanced: Bool) -> [String] {
        stepsWarning(images: images, batchSize: batchSize, epochs: epochs)
            + (balanced ? [] : imbalanceWarning(classNames: classNames, classCounts: classCounts))
    }

    static func stepsWarning(images: Int, batchSize: Int, epochs: Int) -> [String] {
        let steps = Trainer.batchesPerEpoch(images: images, batchSize: batchSize)
        guard steps < targetStepsPerEpoch else { return [] }
        let longer = (targetStepsPerEpoch * epochs + steps - 1) / steps
        let smaller = batchSize > smallestBatch ? "--batch-size \(smallestBatch), " : ""
        return ["only \(steps) step\(steps == 1 ? "" : "s") per epoch (\(images) training images at batch \(batchSize)), "
                + "\(steps * epochs) in all; \(smaller)more epochs (--epochs \(longer)) or more images would train it further"]
    }

    /// The largest class over `imbalanceRatio` times the smallest.
    static func imbalanceWarning(classNames: [String], classCounts counts: [Int]) -> [String] {
        guard let largest = counts.indices.max(by: { counts[$0] < counts[$1] }),
              let smallest = counts.indices.min(by: { counts[$0] < counts[$1] }),
              Double(counts[largest]) > imbalanceRatio * Double(max(counts[smallest], 1)) else { return [] }
        let ratio = Double(counts[largest]) / Double(max(counts[smallest], 1))
        return ["the classes are imbalanced: '\(classNames[largest])' has \(counts[largest]) training images, "
                + "'\(classNames[smallest])' \(counts[smallest]) (\(Int(ratio.rounded()))×); "
                + "--balance samples every class equally often"]
    }
}
