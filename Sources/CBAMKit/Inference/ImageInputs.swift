import Foundation
import ImageCodecs

/// One image a command was given: a file, or the bytes of an image that came on
/// standard input (`cat photo.jpg | cbam classify -`).
public struct ImageInput: Sendable, Equatable {
    /// The path as given, or `stdin`.
    public let name: String
    let bytes: [UInt8]?

    public static func file(_ path: String) -> ImageInput { ImageInput(name: path, bytes: nil) }

    /// Decodes it; errors name the file.
    public func image() throws -> Image {
        if let bytes { return try Image.decode(bytes, name: name) }
        return try Image(contentsOf: name)
    }
}

/// The images named on a command line: files as given, folders searched recursively
/// (hidden entries skipped, sorted), so `classify a.jpg photos/` works; `-` reads
/// standard input, which holds either one PNG or JPEG image or paths, one a line
/// (`ls *.jpg | cbam classify -`), told apart by the image formats' first bytes.
public enum ImageInputs {
    /// The argument that stands for standard input.
    public static let standardInputArgument = "-"
    /// The name an image read from standard input goes by.
    public static let standardInputName = "stdin"

    /// Every image, in order. A path that does not exist is returned too, so that reading
    /// it reports the error for that file; a folder without files, or nothing at all to
    /// read, is an error naming it.
    public static func expand(_ arguments: [String],
                              standardInput: () -> Data = { FileHandle.standardInput.readDataToEndOfFile() }) throws -> [ImageInput] {
        var inputs: [ImageInput] = []
        for argument in arguments {
            guard argument == standardInputArgument else {
                inputs += try expand(path: argument).map(ImageInput.file)
                continue
            }
            let bytes = [UInt8](standardInput())
            if ImageFormat(detecting: bytes) != nil {
                inputs.append(ImageInput(name: standardInputName, bytes: bytes))
                continue
            }
            let paths = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !paths.isEmpty else {
                throw DatasetError(path: "- (standard input)", reason: "is empty; give it image paths, one a line, or one PNG or JPEG image")
            }
            inputs += try paths.flatMap { try expand(path: $0) }.map(ImageInput.file)
        }
        return inputs
    }

    /// A file as it is; a folder's files, or an error when it has none.
    static func expand(path: String) throws -> [String] {
        guard ImageFolder.isDirectory(path) else { return [path] }
        // An unreadable folder is returned as it is: reading it then reports why, and the others go on.
        guard let files = try? ImageFolder.filesBelow(path).sorted() else { return [path] }
        guard !files.isEmpty else { throw DatasetError(path: path, reason: "is a folder without files; expected images (PNG or JPEG)") }
        return files
    }
}
