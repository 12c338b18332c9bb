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
