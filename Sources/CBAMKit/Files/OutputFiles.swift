import Foundation

/// A file a command was asked to write that it must not or cannot write, said in one
/// line that starts with the file or option: `--out /proc/m.safetensors: cannot write in /proc: …`.
public struct OutputFileError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file, or the option and its value.
    public let subject: String
    public let reason: String

    public init(subject: String, reason: String) {
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(subject): \(reason)" }
    public var errorDescription: String? { description }
}

/// Checks made on output files before any work, so that nothing is lost and no run
/// fails at its end for a file it could have refused at its start.
public enum OutputFiles {
    /// Refuses to write `output` when it is `input` itself, by any path (`./a.jpg`, a link).
    public static func refuseOverwritingInput(output: String, input: String) throws {
        guard FileIdentity.same(output, input) else { return }
        throw OutputFileError(subject: output, reason: "is the input file \(input); writing it would replace the input (choose another output file)")
    }
}
