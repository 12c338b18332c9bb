import ArgumentParser
import CBAMKit
import OneDNN

/// `--precision fp32|bf16|auto`: the arithmetic of the convolutions and matrix products.
/// Training defaults to auto (`AutomaticPrecision`); commands whose numbers are compared with PyTorch and
/// onnxruntime (classify, evaluate, attention, localise) default to fp32.
enum PrecisionChoice: String, ExpressibleByArgument, CaseIterable {
    case fp32, bf16, auto

    static func help(default choice: PrecisionChoice) -> ArgumentHelp {
        ArgumentHelp("fp32, bf16 (bf16 convolutions and matrix products, fp32 weights and statistics), or auto: bf16 where this CPU's bf16 dot products outrun fp32, measured once (default \(choice.rawValue)).",
                     valueName: "precision")
    }

    /// The precision to run in. bf16 asked for on a CPU without native bf16 is an error
    /// (oneDNN would fall back to a path far slower than fp32).
    func resolved() throws -> Precision {
        switch self {
        case .fp32: return .fp32
        case .auto: return AutomaticPrecision.measured.precision
        case .bf16:
            guard Precision.hasNativeBF16 else {
                throw ValidationError("--precision bf16: this CPU has no native bf16 dot products (avx512_bf16); use fp32 or auto")
            }
            return .bf16
        }
    }

    /// How a run reports its choice, once: "fp32 (auto: bf16 convolutions 0.55× fp32's speed
    /// on this CPU)"; bf16 asked for where it is the slower one says so, for who expected speed.
    func described(_ precision: Precision) -> String {
        switch self {
        case .auto: return "\(precision.rawValue) (auto: \(AutomaticPrecision.measured.reason))"
        case .bf16 where (AutomaticPrecision.measured.bf16Speedup ?? 1) < 1:
            return "bf16 (slower than fp32 here: \(AutomaticPrecision.measured.reason))"
        default: return precision.rawValue
        }
    }
}
