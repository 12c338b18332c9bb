import Foundation

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

    /// Seconds per kind since the last reset, largest first.
    public static var report: [(kind: String, seconds: Double)] {
        totals.map { ($0.key, Double($0.value) / 1e9) }.sorted { $0.seconds > $1.seconds }
    }
}
