import CRuntimeSetup

/// How long an idle OpenMP worker busy-waits before it sleeps (GOMP_SPINCOUNT), which
/// start-up sets from the command and what else is runnable when the process starts
/// (start_up.c): long when the machine is idle (batch-1 latency), short beside other
/// work and for training runs, which other work may start beside later (throughput
/// under contention).
public enum OpenMPWait {
    /// The rounds start-up chooses given a /proc/stat text, for a training run or not.
    public static func spinRounds(procStat text: String?, training: Bool = false) -> Int {
        Int(cbam_spin_rounds(text, training ? 1 : 0))
    }
}
