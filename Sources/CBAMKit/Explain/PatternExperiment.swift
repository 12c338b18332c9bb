import Foundation

/// Trains a model for a short while on `LocatedPatterns` and measures how much of its
/// maps' mass falls inside each test image's pattern box. What `cbam bench attention`
/// reports, and a test checks at a smaller size.
public struct PatternExperiment {
    public var imageSize = 32
    public var trainingImages = 4000
    public var validationImages = 400
    public var testImages = 400
    public var model = ModelConfiguration.Kind.cbam
    public var width = 16
    public var epochs = 6
    public var batchSize = 64
    public var learningRate: Float = 0.05
    public var seed: UInt64 = 0

    public init() {}

    public struct Result: Codable, Equatable {
        public var validationAccuracy: Double
        public var trainingSeconds: Double
        /// The box's share of the image: the ratio a map that ignores the pattern gets.
        public var boxShare: Double
        public var maps: [AttentionLocalisation]
    }

    /// The run's training options (grey images, no crop: the boxes stay where they were drawn).
    public var trainingOptions: TrainingOptions {
        var configuration = ModelConfiguration(kind: model, channels: 1, imageSize: imageSize,
                                               classes: LocatedPatterns.classNames.count)
        configuration.width = width
        var options = TrainingOptions.defaults(for: configuration, epochs: epochs, flip: false, seed: seed)
        options.batchSize = batchSize
        options.learningRate = learningRate
        options.augmentation = Augmentation(padding: 0, flip: false)
        options.transform = .fitWhole   // whole images at every size: the boxes are measured in them
        return options
    }

    public static let imageCounts = 1...100_000

    /// Throws `ModelConfiguration.Invalid` or `TrainingOptions.Invalid` (named as `cbam
    /// bench attention`'s options) for sizes that cannot run.
    public func validate() throws {
        try trainingOptions.validate()
        for (option, count) in [("--training-images", trainingImages), ("--validation-images", validationImages),
                                ("--test-images", testImages)] where !Self.imageCounts.contains(count) {
            throw TrainingOptions.Invalid(option: option, reason: "\(count) is outside \(Self.imageCounts.lowerBound)–\(Self.imageCounts.upperBound)")
        }
    }

    /// Writes the data set and the model under `folder`, trains, and measures every map
    /// that applies to the model (each CBAM block's Ms, Grad-CAM).
    public func run(in folder: URL, events: (TrainingEvent) -> Void = { _ in }) throws -> Result {
        let patterns = LocatedPatterns(imageSize: imageSize)
        let data = folder.appendingPathComponent("patterns")
        try patterns.writeFolder(count: trainingImages, seed: seed, to: data.appendingPathComponent("train"))
        try patterns.writeFolder(count: validationImages, seed: seed + 1, to: data.appendingPathComponent("val"))

        let split = try DataSplit(root: data.path, validationShare: 0, seed: seed)
        func load(_ files: [LabeledFile]) -> ImageSet {
            ImageSet.load(files, imageSize: imageSize, channels: 1, cacheBytes: 1 << 30) { _ in }
        }
        let options = trainingOptions
        let modelURL = folder.appendingPathComponent("patterns-\(model.rawValue).safetensors")
        let trainer = try Trainer(options: options, classNames: split.classNames, training: load(split.training),
                                  validation: load(split.validation), modelURL: modelURL)
        let start = Date()
        _ = try trainer.run(events: events)
        let seconds = Date().timeIntervalSince(start)

        let trained = try TrainedModel(contentsOf: modelURL)
        let explainer = try Explainer(model: trained, methods: ExplanationMethod.available(for: trained.network))
        let test = patterns.samples(count: testImages, seed: seed + 2)
        let maps = AttentionLocalisation.measure(explainer, images: test.map(\.image),
                                                 regions: test.map { sample in { sample.box.contains(x: $0, y: $1) } })
        let side = Double(LocatedPatterns.patternSize)
        return Result(validationAccuracy: trainer.state.bestValidationAccuracy, trainingSeconds: seconds,
                      boxShare: side * side / Double(imageSize * imageSize), maps: maps)
    }
}
