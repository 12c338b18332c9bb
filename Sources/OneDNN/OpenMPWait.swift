import CRuntimeSetup

/// How long an idle OpenMP worker busy-waits before it sleeps (GOMP_SPINCOUNT), which
/// start-up sets from what else is runnable when the process starts (start_up.c):
/// long when the machine is idle (batch-1 latency), short beside other work (throughput
/// under contention).
public enum OpenMPWait {
    /// The rounds start-up chooses given a /proc/stat text.
    public static func spinRounds(procStat text: String?) -> Int { Int(cbam_spin_rounds(text)) }
}
