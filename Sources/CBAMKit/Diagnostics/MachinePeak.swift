import CMachinePeak
import Dispatch
import OneDNN

/// The single-precision peak this machine reaches: fused multiply-adds with its widest
/// vectors on every thread at once, measured (hosts of one kind differ, and a virtual
/// machine's clock is not the label's). Convolution throughput is quoted against it.
public enum MachinePeak {
    /// GFLOP/s on `threads` threads together (at most `Parallel.threadCount`): the best of
    /// five runs of about 0.1 s.
    public static func fp32GFLOPs(threads: Int) -> Double {
        best(threads: threads, iterations: 4_000_000) { cbam_fma_flops($0) }
    }

    /// The same for AVX-512 BF16 dot products, which promise twice fp32's arithmetic;
    /// nil where the CPU has none. Where this is not above `fp32GFLOPs`, bf16 cannot
    /// make convolutions faster than fp32 (and `AutomaticPrecision`'s probe finds so).
    public static func bf16GFLOPs(threads: Int) -> Double? {
        guard cbam_bf16_dot_flops(1) > 0 else { return nil }
        return best(threads: threads, iterations: 2_000_000) { cbam_bf16_dot_flops($0) }
    }

    private static func best(threads: Int, iterations: Int, _ flops: (Int) -> Double) -> Double {
        let flopsPerThread = flops(iterations)   // also the warm-up
        var best = 0.0
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            // The engine's own OpenMP team, one share a thread: the threads the convolutions run on.
            Parallel.forEach(threads) { _ in _ = flops(iterations) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = max(best, Double(threads) * flopsPerThread / seconds / 1e9)
        }
        return best
    }

    /// The vector width the probe uses, in floats: 16 (AVX-512), 8 (AVX2) or 4.
    public static var lanes: Int { Int(cbam_fma_lanes()) }
}
