import Foundation

/// A data folder that cannot be trained on or evaluated, said in one line that
/// starts with the path: `images/: only one class folder ('cats'); ...`.
public struct DatasetError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
    public var errorDescription: String? { description }
}
