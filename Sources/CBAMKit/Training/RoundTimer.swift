import Foundation

/// Wall times of repeated runs, after warm-up.
enum RoundTimer {
    /// Seconds of each of `count` runs of `body`, after `warmup` untimed ones.
    static func times(_ count: Int, warmup: Int, _ body: () -> Void) -> [Double] {
        for _ in 0..<warmup { body() }
        return (0..<count).map { _ in seconds(body) }
    }

    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The middle value (the upper one of an even count).
    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
