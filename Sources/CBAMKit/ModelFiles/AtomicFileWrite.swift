import Foundation

extension Data {
    /// Writes to a hidden temporary name in the destination's folder, then renames it
    /// over `url`. A rename within one file system is atomic, so a crash or a full disk
    /// never leaves half a file under the real name; the old file stays until the new
    /// one is complete. (Foundation's `.atomic` does the same, but its temporary file's
    /// name and permissions are platform details; here they are ours.)
    func writeAtomically(to url: URL) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        let failure = { (reason: String) in ModelFileError(file: url.lastPathComponent, reason: reason) }
        do { try write(to: temporary, options: .withoutOverwriting) } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw failure("cannot be written: \(SystemErrorDescription.plainReason(error))")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = SystemErrorDescription.words(errno: errno)
            try? FileManager.default.removeItem(at: temporary)
            throw failure("cannot replace the file: \(reason)")
        }
    }
}
