import CDNNL

/// Splits a loop across the OpenMP thread team that oneDNN itself uses, so our
/// memory-bound passes and oneDNN's primitives take turns on the same threads
/// instead of two pools competing for two cores.
public enum Parallel {
    /// Threads in the team: OMP_NUM_THREADS, or the CPUs available (`AvailableCPUs`),
    /// unless `setThreadCount` chose.
    public static var threadCount: Int { chosenThreadCount ?? Int(omp_get_max_threads()) }

    /// Kept here as well as in OpenMP: `omp_set_num_threads` reaches only the calling
    /// thread, and our passes also run from the batch-preparing thread.
    nonisolated(unsafe) private static var chosenThreadCount: Int?

    /// Sets the team size for oneDNN's primitives and our passes; call from the main
    /// thread (the one that runs oneDNN) before the first pass.
    public static func setThreadCount(_ count: Int) {
        chosenThreadCount = max(count, 1)
        omp_set_num_threads(Int32(max(count, 1)))
    }

    /// Calls `body(range, thread)` once per thread with a contiguous share of
    /// `0..<count`. Small loops run inline, where a fork would cost more than it saves.
    public static func forEachChunk(_ count: Int, minimumPerThread: Int = 1,
                                    _ body: (Range<Int>, Int) -> Void) {
        let threads = min(threadCount, max(1, count / max(minimumPerThread, 1)))
        if threads <= 1 {
            body(0..<count, 0)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            var job = Job(count: count, threads: threads, body: escapable)
            withUnsafeMutablePointer(to: &job) { pointer in
                GOMP_parallel({ raw in
                    let job = raw!.assumingMemoryBound(to: Job.self).pointee
                    let thread = Int(omp_get_thread_num())
                    let start = job.count * thread / job.threads
                    let end = job.count * (thread + 1) / job.threads
                    if start < end { job.body(start..<end, thread) }
                }, pointer, UInt32(threads), 0)
            }
        }
    }

    /// Calls `body(i)` for every i in `0..<count`, spread across the team.
    public static func forEach(_ count: Int, minimumPerThread: Int = 1, _ body: (Int) -> Void) {
        forEachChunk(count, minimumPerThread: minimumPerThread) { range, _ in
            for i in range { body(i) }
        }
    }

    private struct Job {
        let count: Int
        let threads: Int
        let body: (Range<Int>, Int) -> Void
    }
}
