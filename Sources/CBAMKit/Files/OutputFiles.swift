import Foundation

/// Checks made on output files before any work, so that nothing is lost and no run
/// fails at its end for a file it could have refused at its start.
public enum OutputFiles {
    /// Refuses to write `output` when it is `input` itself, by any path (`./a.jpg`, a link).
    public static func refuseOverwritingInput(output: String, input: String) throws {
        guard FileIdentity.same(output, input) else { return }
        throw OutputFileError(subject: output, reason: "is the input file \(input); writing it would replace the input (choose another output file)")
    }

    /// Refuses to replace a file that exists unless `force` (`--force`) says so.
    /// `subject` names it in errors ("--out m.onnx").
    public static func refuseReplacing(_ file: URL, subject: String, force: Bool) throws {
        guard !force, FileManager.default.fileExists(atPath: file.path) else { return }
        throw OutputFileError(subject: subject, reason: "exists already; pass --force to replace it")
    }

    /// Checks that `file` can be written (atomically, as every model file is): it is not a
    /// folder, and its folder exists (created if missing) and takes a new file, which is
    /// tried by creating and removing one. `subject` names it in errors ("--out m.safetensors").
    public static func checkWritable(_ file: URL, subject: String) throws {
        func failure(_ reason: String) -> OutputFileError { OutputFileError(subject: subject, reason: reason) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw failure("is a directory; a file name is needed")
        }
        let folder = file.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw failure("cannot create the folder \(folder.path): \(SystemErrorDescription.plainReason(error))")
        }
        let probe = PartialFile.url(for: file)
        let descriptor = open(probe.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw failure("cannot write in \(folder.path): \(SystemErrorDescription.words(errno: errno))")
        }
        close(descriptor)
        unlink(probe.path)
    }

    /// Whether two paths name the same file, existing or not (by identity when it exists).
    static func samePath(_ a: URL, _ b: URL) -> Bool {
        a.standardizedFileURL.path == b.standardizedFileURL.path || FileIdentity.same(a.path, b.path)
    }
}
