import Foundation

/// A data folder that cannot be trained on or evaluated, said in one line that
/// starts with the path: `images/: only one class folder ('cats'); ...`.
public struct DatasetError: OneLineError, Equatable {
    public let path: String
    public let reason: String
    public var subject: String { path }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
