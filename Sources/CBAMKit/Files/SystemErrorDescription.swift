import Foundation

/// A system error in plain words ("permission denied", "no such file or directory"),
/// never Foundation's `NSCocoaErrorDomain Code=516` text. Every place that reads or
/// writes a file says why it failed through this, and the CLI passes any error that
/// reaches it unhandled through `plainWords(for:)` too.
public enum SystemErrorDescription {
    /// The reason for an `errno` value.
    public static func words(errno code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or directory"
        case EACCES, EPERM: return "permission denied"
        case EEXIST: return "already exists"
        case ENOSPC: return "no space left on device"
        case EDQUOT: return "disk quota exceeded"
        case EISDIR: return "is a directory"
        case ENOTDIR: return "a part of the path is not a directory"
        case EROFS: return "read-only file system"
        case ENAMETOOLONG: return "file name too long"
        case ELOOP: return "too many levels of symbolic links"
        case EMFILE, ENFILE: return "too many open files"
        case EIO: return "input/output error"
        case EFBIG: return "file too large"
        case EXDEV: return "cannot move across file systems"
        case ENOTEMPTY: return "directory not empty"
        case EBUSY: return "device or resource busy"
        case ENOMEM: return "out of memory"
        default:
            // strerror's own words, as a sentence fragment ("Broken pipe" → "broken pipe").
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }

    /// The reason for a Foundation file error (CocoaError, POSIXError or a bridged NSError
    /// of their domains); nil for any other error, whose own description is meant for people.
    public static func words(for error: Error) -> String? {
        if let posix = error as? POSIXError { return words(errno: posix.code.rawValue) }
        let ns = error as NSError
        switch ns.domain {
        case NSPOSIXErrorDomain:
            return words(errno: Int32(truncatingIfNeeded: ns.code))
        case NSCocoaErrorDomain:
            if error is EncodingError || error is DecodingError { return nil }
            // The underlying errno says most precisely what happened.
            if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? Error,
               (underlying as NSError).domain == NSPOSIXErrorDomain {
                return words(errno: Int32(truncatingIfNeeded: (underlying as NSError).code))
            }
            return cocoaWords[ns.code] ?? "the file operation failed (system error \(ns.code))"
        default:
            return nil
        }
    }

    /// The reason alone, for a message that already names the file: the plain words of a
    /// system error, else the error's own description.
    public static func plainReason(_ error: Error) -> String {
        words(for: error) ?? plainWords(for: error)
    }

    /// `error`'s message for a person: a system error as "PATH: plain words" (the path when
    /// the error carries one), a JSON encoding or decoding error as what went wrong, and
    /// every other error as its own description.
    public static func plainWords(for error: Error) -> String {
        if let reason = words(for: error) {
            let path = (error as NSError).userInfo[NSFilePathErrorKey] as? String
            return path.map { "\($0): \(reason)" } ?? reason
        }
        switch error {
        case EncodingError.invalidValue(let value, _):
            return "cannot write \(value) as JSON (a value that is not a finite number?)"
        case is DecodingError:
            return "malformed JSON (\(decodingReason(error)))"
        default:
            return "\(error)"
        }
    }

    private static func decodingReason(_ error: Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
             .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private static let cocoaWords: [Int: String] = [
        CocoaError.fileNoSuchFile.rawValue: "no such file or directory",
        CocoaError.fileReadNoSuchFile.rawValue: "no such file or directory",
        CocoaError.fileReadNoPermission.rawValue: "permission denied",
        CocoaError.fileWriteNoPermission.rawValue: "permission denied",
        CocoaError.fileWriteFileExists.rawValue: "already exists",
        CocoaError.fileWriteOutOfSpace.rawValue: "no space left on device",
        CocoaError.fileWriteVolumeReadOnly.rawValue: "read-only file system",
        CocoaError.fileReadTooLarge.rawValue: "file too large",
        CocoaError.fileReadInvalidFileName.rawValue: "invalid file name",
        CocoaError.fileWriteInvalidFileName.rawValue: "invalid file name",
        CocoaError.fileReadCorruptFile.rawValue: "the file is damaged",
        CocoaError.fileLocking.rawValue: "the file is locked",
    ]
}
