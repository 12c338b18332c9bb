/// Why an image could not be read, decoded or written: "FILE: REASON".
public struct ImageError: Error, Equatable, CustomStringConvertible {
    /// The file's path, or the name the caller gave the bytes.
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}
