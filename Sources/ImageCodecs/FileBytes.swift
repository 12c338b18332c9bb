#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and atomic writes with POSIX calls, whose errno gives
/// the reason an ImageError carries ("No such file or directory", ...).
enum FileBytes {
    static func contents(of path: String) throws -> [UInt8] {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw failure(path) }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0 else { throw failure(path) }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw ImageError(file: path, reason: String(cString: strerror(EISDIR)))
        }

        // One byte more than the size, so one read of a regular file reaches the end.
        var bytes = [UInt8](repeating: 0, count: max(Int(status.st_size), 0) + 1)
        var total = 0
        while true {
            if total == bytes.count {   // the file grew, or is not a regular file
                bytes.append(contentsOf: repeatElement(0, count: bytes.count))
            }
            let n = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress! + total, $0.count - total) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw failure(path) }
            if n == 0 { break }
            total += n
        }
        bytes.removeLast(bytes.count - total)
        return bytes
    }

    /// Writes to a temporary file in the same folder, then renames it over
    /// `path`, so readers never see a half-written file.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(folder).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

        let file = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw failure(path) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(file, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let error = failure(path)
                close(file)
                unlink(temporary)
                throw error
            }
            written += n
        }
        guard close(file) == 0, rename(temporary, path) == 0 else {
            let error = failure(path)
            unlink(temporary)
            throw error
        }
    }

    private static func failure(_ path: String) -> ImageError {
        ImageError(file: path, reason: String(cString: strerror(errno)))
    }
}
