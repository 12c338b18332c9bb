import ArgumentParser
import CBAMKit
import OneDNN

/// `--precision fp32|bf16|auto`: the arithmetic of the convolutions and matrix products.
/// Training defaults to auto; commands whose numbers are compared with PyTorch and
/// onnxruntime (classify, evaluate, attention, localise) default to fp32.
enum PrecisionChoice: String, ExpressibleByArgument, CaseIterable {
    case fp32, bf16, auto

    static func help(default choice: PrecisionChoice) -> ArgumentHelp {
        ArgumentHelp("fp32, bf16 (bf16 convolutions and matrix products, fp32 weights and statistics), or auto: bf16 where the CPU has native bf16 dot products (default \(choice.rawValue)).",
                     valueName: "precision")
    }

    /// The precision to run in. bf16 asked for on a CPU without native bf16 is an error
    /// (oneDNN would fall back to a path far slower than fp32).
    func resolved() throws -> Precision {
        switch self {
        case .fp32: return .fp32
        case .auto: return Precision.hasNativeBF16 ? .bf16 : .fp32
        case .bf16:
            guard Precision.hasNativeBF16 else {
                throw ValidationError("--precision bf16: this CPU has no native bf16 dot products (avx512_bf16); use fp32 or auto")
            }
            return .bf16
        }
    }

    /// How a run reports its choice, once: "bf16 (auto: native bf16 on this CPU)".
    func described(_ precision: Precision) -> String {
        guard self == .auto else { return precision.rawValue }
        return "\(precision.rawValue) (auto: \(Precision.hasNativeBF16 ? "native bf16 dot products on this CPU" : "no native bf16 on this CPU"))"
    }
}
