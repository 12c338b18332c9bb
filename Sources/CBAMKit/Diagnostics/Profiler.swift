import Foundation
import OneDNN

/// Wall time per kind of layer, exclusive of nested layers: where a step's time goes.
/// Off by default; when off, `measure` is one branch. Layers and kernels wrap their
/// passes in `measure`; whoever wants the figures (a benchmark) enables it, runs,
/// and reads `report`.
public enum Profiler {
    nonisolated(unsafe) public static var isEnabled = false
    nonisolated(unsafe) private static var totals: [String: UInt64] = [:]
    nonisolated(unsafe) private static var childTime: [UInt64] = []

    @inline(__always)
    static func measure<R>(_ kind: String, _ body: () -> R) -> R {
        guard isEnabled else { return body() }
        childTime.append(0)
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        let nested = childTime.removeLast()
        totals[kind, default: 0] += elapsed - nested
        if !childTime.isEmpty { childTime[childTime.count - 1] += elapsed }
        return result
    }

    public static func reset() { totals = [:] }

    /// A kind of layer as the profile names it: "convolution", or "convolution (bf16)"
    /// when it ran in bf16. Everything without the mark ran in fp32.
    static func kind(_ name: String, _ precision: Precision) -> String {
        precision == .bf16 ? "\(name) (bf16)" : name
    }

    /// The share of the kinds named `name`, in either precision.
    public static func share(of name: String, in shares: [String: Double]) -> Double {
        shares.filter { $0.key == name || $0.key.hasPrefix(name + " (") }.values.reduce(0, +)
    }

    /// Seconds per kind since the last reset, largest first.
    public static var report: [(kind: String, seconds: Double)] {
        totals.map { ($0.key, Double($0.value) / 1e9) }.sorted { $0.seconds > $1.seconds }
    }
}
