import Foundation

/// The images named on a command line: files as given, folders searched (recursively)
/// for PNG and JPEG files, in sorted order.
enum ImageInputs {
    static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Every image path; a path that does not exist is an error naming it.
    static func expand(_ arguments: [String]) throws -> [String] {
        var paths: [String] = []
        for argument in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                throw CommandFailure("\(argument): no such file or folder")
            }
            if !isFolder.boolValue { paths.append(argument); continue }
            let root = URL(fileURLWithPath: argument)
            let found = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }
                .filter { extensions.contains($0.pathExtension.lowercased()) }
                .map { argument.hasSuffix("/") ? argument + relativePath($0, to: root) : argument + "/" + relativePath($0, to: root) }
                .sorted() ?? []
            if found.isEmpty { throw CommandFailure("\(argument): no PNG or JPEG files in this folder") }
            paths += found
        }
        return paths
    }

    private static func relativePath(_ url: URL, to root: URL) -> String {
        String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
    }
}
