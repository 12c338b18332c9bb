import Foundation

/// Anything wrong with a model file (or any safetensors file), said in one line
/// that starts with the file's name: `model.safetensors: tensor 'fc.weight' has …`.
public struct ModelFileError: OneLineError, Equatable {
    /// The file's name (its last path component), as the user would recognise it.
    public let file: String
    public let reason: String
    public var subject: String { file }

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
}
