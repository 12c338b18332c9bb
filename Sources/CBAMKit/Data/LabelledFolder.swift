import Foundation

/// What `cbam evaluate` reads: a class folder tree (`root/<class>/<image>`, one class
/// folder is enough), or one class's own folder of images (`pets/test/cat`) when its
/// name is one of the model's classes and it has no sub-folders. Files are labelled by
/// their class's position among the model's classes.
public enum LabelledFolder {
    public static func files(at root: String, modelClasses: [String]) throws -> [LabeledFile] {
        let name = URL(fileURLWithPath: root).standardizedFileURL.lastPathComponent
        if let label = modelClasses.firstIndex(of: name), ImageFolder.isDirectory(root),
           try !ImageFolder.visibleEntries(of: root).contains(where: { ImageFolder.isDirectory(ImageFolder.join(root, $0)) }) {
            let paths = try ImageFolder.filesBelow(root).sorted()
            guard !paths.isEmpty else { throw DatasetError(path: root, reason: "class '\(name)' has no files") }
            return paths.map { LabeledFile(path: $0, label: label) }
        }
        return try ImageFolder(root: root, minimumClasses: 1).relabeled(to: modelClasses)
    }
}
