import Foundation

/// Which files train and which validate. A `root/train` + `root/val` (or
/// `root/test`) pair is the split when present; otherwise a seeded, stratified,
/// non-overlapping split of `root`'s classes.
public struct DataSplit: Sendable {
    public let classNames: [String]
    public let training: [LabeledFile]
    public let validation: [LabeledFile]
    /// Where the split comes from, for the log: "train/ and test/", "10% of each class (seed 0)".
    public let origin: String
    /// "val" or "test" when the folder has its own split, else nil.
    public let heldOutFolder: String?

    /// The share of each class held out when the folder has no split of its own.
    public static let defaultValidationShare = 0.1

    public init(root: String, validationShare: Double, seed: UInt64) throws {
        if let (trainFolder, heldOutName) = Self.presplitFolders(root) {
            let train = try ImageFolder(root: trainFolder)
            let heldOut = try ImageFolder(root: ImageFolder.join(root, heldOutName))
            classNames = train.classNames
            training = train.files
            validation = try heldOut.relabeled(to: train.classNames)
            origin = "\(ImageFolder.join(root, "train"))/ and \(heldOutName)/"
            heldOutFolder = heldOutName
            return
        }
        guard validationShare >= 0, validationShare < 1 else {
            throw DatasetError(path: root, reason: "the validation share must be in 0..<1, not \(validationShare)")
        }
        let folder = try ImageFolder(root: root)
        var generator = RandomGenerator(seed: seed ^ 0x5EED_5B17)
        var training: [LabeledFile] = [], validation: [LabeledFile] = []
        for files in folder.filesByClass {
            let shuffled = files.shuffled(using: &generator)
            // At least one validation image per class when the class has two or more.
            let held = validationShare == 0 ? 0 : min(max(Int((Double(files.count) * validationShare).rounded()), 1), files.count - 1)
            validation += shuffled.prefix(held)
            training += shuffled.dropFirst(held)
        }
        classNames = folder.classNames
        self.training = training
        self.validation = validation
        heldOutFolder = nil
        origin = "\(Int((validationShare * 100).rounded()))% of each class held out (seed \(seed))"
    }

    /// The folder to evaluate on: a data set root's held-out `val/` or `test/`, else `root` itself.
    public static func evaluationFolder(_ root: String) -> String {
        presplitFolders(root).map { ImageFolder.join(root, $0.heldOut) } ?? root
    }

    /// `root/train` with `root/val` or `root/test`, when both exist.
    static func presplitFolders(_ root: String) -> (train: String, heldOut: String)? {
        let train = ImageFolder.join(root, "train")
        guard ImageFolder.isDirectory(train) else { return nil }
        for name in ["val", "test"] where ImageFolder.isDirectory(ImageFolder.join(root, name)) {
            return (train, name)
        }
        return nil
    }
}
