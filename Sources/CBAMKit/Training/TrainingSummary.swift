import Foundation

/// What a model file says of the run that made it, kept in its metadata's `extra` (one
/// string per key, as safetensors stores them), so that `cbam info` can tell a user
/// what a model was trained on without the run's log. Every field is optional: files
/// written by older versions, or imported from PyTorch, hold only some of them.
public struct TrainingSummary: Codable, Equatable, Sendable {
    /// The data folder's name (`fashion-mnist`; a `train/` split folder names its parent).
    public var data: String?
    public var trainingImages: Int?
    public var validationImages: Int?
    /// The epoch whose weights the file holds (1-based) and the epochs the run planned.
    public var epoch: Int?
    public var epochs: Int?
    /// Validation accuracy of the stored epoch (the best one), 0…1.
    public var validationAccuracy: Double?
    /// When the weights were written: ISO 8601, UTC, to the second.
    public var date: String?
    /// The model file fine-tuning started from.
    public var initialisedFrom: String?

    /// The metadata keys (snake_case, as the rest of the header) and the JSON keys of `cbam info --json`.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case data, epoch, epochs, date
        case trainingImages = "train_images", validationImages = "val_images"
        case validationAccuracy = "val_accuracy", initialisedFrom = "initialised_from"
    }

    public init(data: String? = nil, trainingImages: Int? = nil, validationImages: Int? = nil, epoch: Int? = nil,
                epochs: Int? = nil, validationAccuracy: Double? = nil, date: String? = nil, initialisedFrom: String? = nil) {
        self.data = data
        self.trainingImages = trainingImages
        self.validationImages = validationImages
        self.epoch = epoch
        self.epochs = epochs
        self.validationAccuracy = validationAccuracy
        self.date = date
        self.initialisedFrom = initialisedFrom
    }

    /// Read from a model file's `extra`; a value that is not of its kind is left out.
    public init(extra: [String: String]) {
        func integer(_ key: CodingKeys) -> Int? { extra[key.rawValue].flatMap { Int($0) } }
        self.init(data: extra[CodingKeys.data.rawValue], trainingImages: integer(.trainingImages),
                  validationImages: integer(.validationImages), epoch: integer(.epoch), epochs: integer(.epochs),
                  validationAccuracy: extra[CodingKeys.validationAccuracy.rawValue].flatMap { Double($0) }.flatMap { $0.isFinite ? $0 : nil },
                  date: extra[CodingKeys.date.rawValue], initialisedFrom: extra[CodingKeys.initialisedFrom.rawValue])
    }

    /// The entries to merge into `extra`: only the fields that are set.
    public var entries: [String: String] {
        let values: [(CodingKeys, String?)] = [
            (.data, data), (.trainingImages, trainingImages.map(String.init)), (.validationImages, validationImages.map(String.init)),
            (.epoch, epoch.map(String.init)), (.epochs, epochs.map(String.init)),
            (.validationAccuracy, validationAccuracy.map { String($0) }), (.date, date), (.initialisedFrom, initialisedFrom),
        ]
        return Dictionary(uniqueKeysWithValues: values.compactMap { key, value in value.map { (key.rawValue, $0) } })
    }

    /// Whether the file says anything of its training.
    public var isEmpty: Bool { entries.isEmpty }

    /// What a run knows when it starts: its data.
    public static func run(training: ImageSet, validation: ImageSet) -> TrainingSummary {
        TrainingSummary(data: dataFolderName(of: training.paths), trainingImages: training.count, validationImages: validation.count)
    }

    /// What an epoch adds when its weights are saved.
    public static func savedEpoch(_ epoch: Int, of epochs: Int, validationAccuracy: Double?, at date: Date = Date()) -> TrainingSummary {
        TrainingSummary(epoch: epoch, epochs: epochs, validationAccuracy: validationAccuracy, date: isoDate(date))
    }

    static func isoDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The name of the folder that holds the class folders of `paths` (root/<class>/…): the
    /// deepest folder they share, or its parent when that is a `train` split folder.
    static func dataFolderName(of paths: [String]) -> String? {
        let folders = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent().pathComponents }
        guard var common = folders.first else { return nil }
        for folder in folders.dropFirst() {
            common = Array(zip(common, folder).prefix { $0 == $1 }.map(\.0))
        }
        // Every image in one folder: that folder is a class, its parent the data.
        if folders.allSatisfy({ $0 == common }) { common.removeLast() }
        if common.last == "train" { common.removeLast() }
        guard let name = common.last, name != "/" else { return nil }
        return name
    }
}
