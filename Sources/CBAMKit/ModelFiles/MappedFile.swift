import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory: its pages are read when first touched, so a
/// large file whose parts are skipped (a checkpoint's optimizer state) costs only what
/// is read. The bytes live as long as the object.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer

    /// Maps `url`; a file that cannot be opened is a `ModelFileError` naming it.
    init(_ url: URL) throws {
        let fileName = url.lastPathComponent
        func failure(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            let code = errno
            switch code {
            case ENOENT: throw failure("cannot be read: no such file")
            case EACCES: throw failure("cannot be read: permission denied")
            default: throw failure("cannot be read: \(String(cString: strerror(code)))")
            }
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("cannot be read: \(String(cString: strerror(errno)))") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw failure("cannot be read: it is not a regular file") }
        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw failure("cannot be mapped into memory: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
