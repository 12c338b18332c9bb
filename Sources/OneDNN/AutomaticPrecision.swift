import Foundation

/// What `--precision auto` runs in: bf16 where this CPU has native bf16 dot products
/// and they outrun fp32, measured once per process on a probe convolution.
///
/// Native bf16 is not always faster. Where `vdpbf16ps` delivers twice the arithmetic
/// of float32 FMAs, bf16 convolutions run at about twice fp32's speed; where it issues at
/// a quarter of the FMA's rate (AVX-512 BF16 without AMX, as on some Sapphire Rapids
/// hosts: a bf16 peak half of fp32's), bf16 is the slower one (0.5–0.6× fp32 measured on
/// such a host).
public struct AutomaticPrecision: Sendable {
    /// bf16's speed over fp32 on the probe, nil without native bf16 (not measured).
    public let bf16Speedup: Double?

    /// bf16 must beat fp32 on the probe by this much: the network's other passes
    /// (conversions, fp32 layers) take back part of what its convolutions gain.
    public static let requiredSpeedup = 1.15

    /// This process's choice, measured on first use.
    public static let measured = AutomaticPrecision(bf16Speedup: Precision.hasNativeBF16 ? probeSpeedup() : nil)

    public init(bf16Speedup: Double?) { self.bf16Speedup = bf16Speedup }

    public var precision: Precision {
        guard let bf16Speedup, bf16Speedup >= Self.requiredSpeedup else { return .fp32 }
        return .bf16
    }

    /// Why, for a run's header: "bf16 convolutions 1.92× fp32's speed on this CPU".
    public var reason: String {
        guard let bf16Speedup else { return "no native bf16 on this CPU" }
        return "bf16 convolutions \(String(format: "%.2f", bf16Speedup))× fp32's speed on this CPU"
    }

    /// fp32 time over bf16 time for one mid-sized 3×3 convolution (batch 16, 64 → 64
    /// channels, 16×16: 0.3 GFLOP, a millisecond or two), conversions included as
    /// training runs them; the fastest of alternating rounds, so that a busy moment
    /// on the machine does not decide.
    static func probeSpeedup() -> Double {
        let geometry = Convolution.Geometry(batch: 16, inputChannels: 64, outputChannels: 64, height: 16, width: 16,
                                            kernel: 3, stride: 1, padding: 1, hasBias: false,
                                            inputFormat: .nChw16c, outputFormat: .nChw16c)
        let input = AlignedBuffer(count: 16 * 64 * 16 * 16), output = AlignedBuffer(count: 16 * 64 * 16 * 16)
        let weights = AlignedBuffer(count: 64 * 64 * 9)
        for i in 0..<input.count { input.pointer[i] = Float(i % 7) * 0.25 - 0.75 }
        for i in 0..<weights.count { weights.pointer[i] = Float(i % 5) * 0.01 - 0.02 }
        let convolutions = [Precision.fp32, .bf16].map { precision -> Convolution in
            var g = geometry
            g.precision = precision
            return Convolution(g, training: true)
        }
        var fastest = [Double.infinity, .infinity]
        for _ in 0..<4 {
            for (i, convolution) in convolutions.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                convolution.forward(input: input.pointer, weights: weights.pointer, bias: nil, output: output.pointer)
                fastest[i] = min(fastest[i], Double(DispatchTime.now().uptimeNanoseconds - start))
            }
        }
        return fastest[0] / fastest[1]
    }
}
