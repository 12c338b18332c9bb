import Foundation

/// The memory a new allocation can have now: Linux's MemAvailable (free memory plus the
/// caches it can drop), and no more than the cgroup's limit leaves (a container's
/// `memory.max` less its `memory.current`). Falls back to the physical memory where
/// neither can be read.
public enum AvailableMemory {
    public static var bytes: Double {
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)).flatMap(memAvailable(meminfo:))
        var available = meminfo ?? Double(ProcessInfo.processInfo.physicalMemory)
        if let limit = cgroupNumber("/sys/fs/cgroup/memory.max"), let used = cgroupNumber("/sys/fs/cgroup/memory.current") {
            available = min(available, max(limit - used, 0))
        }
        return available
    }

    /// MemAvailable's kB in bytes, from /proc/meminfo's text.
    public static func memAvailable(meminfo: String) -> Double? {
        guard let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// A cgroup v2 file's number; nil for "max" (no limit) or an unreadable file.
    private static func cgroupNumber(_ path: String) -> Double? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
