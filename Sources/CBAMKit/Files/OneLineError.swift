import Foundation

/// An error said in one line that starts with what is at fault, a file, a folder or an
/// option: "SUBJECT: REASON" (ArgumentParser prints it after "Error: ").
public protocol OneLineError: Error, CustomStringConvertible, LocalizedError {
    /// The file, folder or option at fault, as the user would recognise it.
    var subject: String { get }
    var reason: String { get }
}

extension OneLineError {
    public var description: String { "\(subject): \(reason)" }
    public var errorDescription: String? { description }
}

/// A file a command was asked to write that it must not or cannot write:
/// `--out /proc/m.safetensors: cannot write in /proc: …`.
public struct OutputFileError: OneLineError, Equatable {
    /// The file, or the option and its value.
    public let subject: String
    public let reason: String

    public init(subject: String, reason: String) {
        self.subject = subject
        self.reason = reason
    }
}
