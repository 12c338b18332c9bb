import Foundation
import OneDNN

/// How many threads a rank computes with: the CPUs it may run on (its affinity mask,
/// which `mpirun --bind-to core|socket` sets), but no more than its share of the host's
/// CPUs when ranks on the host are not bound. OMP_NUM_THREADS, when set, wins.
public enum ThreadsPerRank {
    /// CPUs in this process's affinity mask: the bits of `Cpus_allowed` in
    /// /proc/self/status (Glibc's `sched_getaffinity` needs _GNU_SOURCE, which Swift's
    /// Glibc module lacks), e.g. "Cpus_allowed:\tff,00000003".
    public static var allowedCPUs: Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return onlineCPUs }
        let bits = line.dropFirst("Cpus_allowed:".count).reduce(0) { $0 + ($1.hexDigitValue?.nonzeroBitCount ?? 0) }
        return bits > 0 ? bits : onlineCPUs
    }

    static var onlineCPUs: Int { max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1) }

    /// Threads for one of `ranksOnHost` ranks on this host.
    public static func count(ranksOnHost: Int) -> Int {
        min(allowedCPUs, max(onlineCPUs / max(ranksOnHost, 1), 1))
    }

    /// Sets the thread count of a rank of a data-parallel run (unless OMP_NUM_THREADS
    /// says otherwise) and returns the count in use; a single process keeps OpenMP's.
    @discardableResult
    public static func apply(_ communicator: Communicator) -> Int {
        if communicator.isDistributed && ProcessInfo.processInfo.environment["OMP_NUM_THREADS"] == nil {
            Parallel.setThreadCount(count(ranksOnHost: communicator.ranksOnThisHost))
        }
        return Parallel.threadCount
    }
}
