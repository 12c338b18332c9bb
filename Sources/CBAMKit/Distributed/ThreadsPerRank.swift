import Foundation
import OneDNN

/// How many threads a rank computes with: the CPUs it may use (its affinity mask, which
/// `mpirun --bind-to core|socket` sets, and any cgroup quota), but no more than its share
/// of the host's CPUs when ranks on the host are not bound. OMP_NUM_THREADS, when set, wins.
public enum ThreadsPerRank {
    static var onlineCPUs: Int { max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1) }

    /// Threads for one of `ranksOnHost` ranks on this host.
    public static func count(ranksOnHost: Int) -> Int {
        min(AvailableCPUs.count, max(onlineCPUs / max(ranksOnHost, 1), 1))
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
