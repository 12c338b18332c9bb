import Foundation

extension Data {
    /// Writes to a hidden temporary name in the destination's folder, then renames it
    /// over `url`. A rename within one file system is atomic, so a crash or a full disk
    /// never leaves half a file under the real name; the old file stays until the new
    /// one is complete. (Foundation's `.atomic` does the same, but its temporary file's
    /// name and permissions are platform details; here they are ours.) Temporary files
    /// that a killed writer left beside `url` are removed first (`PartialFile`).
    func writeAtomically(to url: URL) throws {
        PartialFile.removeStale(for: url)
        let temporary = PartialFile.url(for: url)
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

/// The temporary files of an atomic write: `.NAME.<pid>.<uuid>.partial` beside NAME.
/// The writer's process id in the name tells a file that a killed process left
/// (its process is gone) from one being written now, which must stay.
enum PartialFile {
    static func url(for destination: URL) -> URL {
        destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(getpid()).\(UUID().uuidString).partial")
    }

    /// Removes the temporary files of `destination` whose writing process no longer runs.
    static func removeStale(for destination: URL) {
        let folder = destination.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names {
            guard let pid = writer(of: name, destination: destination.lastPathComponent),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    /// The process id in `name` when it is exactly `.DESTINATION.<pid>.<uuid>.partial`.
    static func writer(of name: String, destination: String) -> pid_t? {
        let prefix = ".\(destination).", suffix = ".partial"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else { return nil }
        let middle = name.dropFirst(prefix.count).dropLast(suffix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard middle.count == 2, UUID(uuidString: String(middle[1])) != nil,
              middle[0].allSatisfy(\.isASCII), let pid = pid_t(middle[0]), pid > 0 else { return nil }
        return pid
    }
}
