import CRuntimeSetup

/// Denormal floats are flushed to zero on every thread: a denormal operand costs x86 a
/// microcode assist (tens to hundreds of cycles), so values decaying towards zero would
/// slow a layer down many times for no difference in the result. The main thread sets
/// it before anything else runs (Sources/CRuntimeSetup/start_up.c) and every thread
/// created after, OpenMP's workers included, inherits it.
public enum Denormals {
    /// Whether the calling thread flushes denormal results and inputs to zero.
    public static var flushedOnThisThread: Bool { cbam_flushes_denormals() != 0 }
}
