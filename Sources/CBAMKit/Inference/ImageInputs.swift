import Foundation

/// The image files named on a command line: files as given, folders searched
/// recursively (hidden entries skipped, sorted), so `classify a.jpg photos/` works.
public enum ImageInputs {
    /// Files in order; a path that does not exist is returned too, so that reading it
    /// reports the error for that file.
    public static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            guard ImageFolder.isDirectory(path) else { return [path] }
            return ((try? ImageFolder.filesBelow(path)) ?? [path]).sorted()
        }
    }
}
