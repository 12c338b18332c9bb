import Foundation

/// Runs `body` with the process's address space capped at what it uses now plus
/// `headroom` bytes: any larger allocation fails, and in Swift a failed allocation
/// ends the process, so a test that finishes made none. The cap is lifted afterwards.
enum MemoryCeiling {
    static func run(headroom: Int, _ body: () throws -> Void) rethrows {
        var previous = rlimit()
        getrlimit(Int32(RLIMIT_AS.rawValue), &previous)
        var capped = previous
        capped.rlim_cur = rlim_t(virtualSize() + headroom)
        setrlimit(Int32(RLIMIT_AS.rawValue), &capped)
        defer { setrlimit(Int32(RLIMIT_AS.rawValue), &previous) }
        try body()
    }

    /// The process's mapped address space (VmSize), in bytes.
    static func virtualSize() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmSize:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}

/// Sends stdout to /dev/null while `body` runs: commands print their results there.
func silencingStandardOutput<T>(_ body: () throws -> T) rethrows -> T {
    try redirectingStandardOutput(to: "/dev/null", body)
}

/// What `body` prints on stdout.
func capturingStandardOutput(_ body: () throws -> Void) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-stdout-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try redirectingStandardOutput(to: path, body)
    return try String(contentsOfFile: path, encoding: .utf8)
}

/// Points file descriptor 1 at `path` (created or emptied) while `body` runs.
private func redirectingStandardOutput<T>(to path: String, _ body: () throws -> T) rethrows -> T {
    fflush(stdout)
    let saved = dup(1)
    let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    dup2(file, 1)
    close(file)
    defer {
        fflush(stdout)
        dup2(saved, 1)
        close(saved)
    }
    return try body()
}
