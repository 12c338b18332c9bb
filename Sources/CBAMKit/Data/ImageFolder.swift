import Foundation

/// One image file and its class index.
public struct LabeledFile: Hashable, Sendable {
    public var path: String
    public var label: Int

    public init(path: String, label: Int) {
        self.path = path
        self.label = label
    }
}

/// The ImageFolder layout that torchvision, Keras and Create ML read:
/// `root/<class>/<image>`, classes = sorted sub-folder names, images anywhere
/// below their class folder. Hidden files and folders are ignored. Which files
/// are images is decided later, by their bytes, when they are decoded.
public struct ImageFolder: Sendable {
    public let root: String
    public let classNames: [String]
    /// Every non-hidden file under each class folder, sorted by path.
    public let files: [LabeledFile]

    /// Reads the class folders of `root`. Fewer than `minimumClasses` classes (two to
    /// train a classifier; one to evaluate how well a model recognises that class), an
    /// empty class or an empty folder is an error, before any decoding.
    public init(root: String, minimumClasses: Int = 2) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw DatasetError(path: root, reason: "no such folder")
        }
        guard isDirectory.boolValue else {
            throw DatasetError(path: root, reason: "not a folder; expected one sub-folder per class (root/<class>/<image>)")
        }
        let classNames = try Self.visibleEntries(of: root).filter { Self.isDirectory(Self.join(root, $0)) }.sorted()
        guard !classNames.isEmpty else {
            throw DatasetError(path: root, reason: "has no class folders; expected root/<class>/<image>"
                               + (minimumClasses > 1 ? " with at least \(minimumClasses) classes" : ""))
        }
        guard classNames.count >= minimumClasses else {
            throw DatasetError(path: root, reason: "only one class folder ('\(classNames[0])'); a classifier needs at least two")
        }
        var files: [LabeledFile] = []
        var seen: Set<FileIdentity> = []   // one set for all classes: a file counts once, in the first class that has it
        for (label, name) in classNames.enumerated() {
            let classFiles = try Self.filesBelow(Self.join(root, name), seen: &seen).sorted()
            guard !classFiles.isEmpty else {
                throw DatasetError(path: Self.join(root, name), reason: "class '\(name)' has no files")
            }
            files += classFiles.map { LabeledFile(path: $0, label: label) }
        }
        self.root = root
        self.classNames = classNames
        self.files = files
    }

    /// The files of each class, in order.
    public var filesByClass: [[LabeledFile]] {
        var byClass = [[LabeledFile]](repeating: [], count: classNames.count)
        for file in files { byClass[file.label].append(file) }
        return byClass
    }

    /// The same files labelled by their class names' positions in `names` (a model's
    /// classes); a class the model does not know is an error.
    public func relabeled(to names: [String]) throws -> [LabeledFile] {
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        for name in classNames where index[name] == nil {
            throw DatasetError(path: Self.join(root, name),
                               reason: "class '\(name)' is not one of the model's \(names.count) classes (\(names.joined(separator: ", ")))")
        }
        return files.map { LabeledFile(path: $0.path, label: index[classNames[$0.label]]!) }
    }

    // MARK: - File system

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func visibleEntries(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }
        } catch {
            throw DatasetError(path: directory, reason: "cannot be read: \(SystemErrorDescription.plainReason(error))")
        }
    }

    /// Every non-hidden regular file below `directory`, recursively (symbolic links followed).
    static func filesBelow(_ directory: String) throws -> [String] {
        var seen: Set<FileIdentity> = []
        return try filesBelow(directory, seen: &seen)
    }

    /// The same, visiting each folder and file once by its identity (device and inode):
    /// a link back up the tree (`A/self -> .`) adds nothing, a file reached by two paths
    /// counts once (the first in sorted order). `seen` holds what was visited already.
    static func filesBelow(_ directory: String, seen: inout Set<FileIdentity>) throws -> [String] {
        if let identity = FileIdentity(path: directory), !seen.insert(identity).inserted { return [] }
        var result: [String] = []
        for name in try visibleEntries(of: directory).sorted() {
            let path = join(directory, name)
            if isDirectory(path) {
                result += try filesBelow(path, seen: &seen)
            } else if let identity = FileIdentity(path: path), !seen.insert(identity).inserted {
                continue
            } else {
                result.append(path)   // a broken link stays, to be named when it does not decode
            }
        }
        return result
    }
}
