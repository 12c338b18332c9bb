import CRuntimeSetup

/// The vector units a release build compiled the Swift kernels for: those of the CPU
/// that built it (Package.swift's `kernelCPU`), which the binary checks for at start.
public enum VectorUnits {
    /// "AVX-512", "AVX2 and FMA", or "baseline x86-64" (also for debug builds and for a
    /// CPU named by CBAM_TARGET_CPU).
    public static var kernels: String {
        switch cbam_kernel_level() {
        case 4: return "AVX-512"
        case 3: return "AVX2 and FMA"
        default: return "baseline x86-64"
        }
    }
}
