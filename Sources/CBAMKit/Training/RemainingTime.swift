import Foundation

/// The time left for a whole run from its steady-state batches: the first
/// `skippedBatches` a process runs are slower (oneDNN builds its primitives, the caches
/// and the memory pool fill), and counting them inflated the estimate 2–3× in epoch 1.
/// Seconds per batch come from the batches after those; before there are any, nil.
public struct RemainingTime: Sendable {
    public static let skippedBatches = 3

    private var batchesSeen = 0
    private var startOfSteadyState: Double?
    private var lastTime = 0.0

    public init() {}

    /// A batch finished at `time` (seconds on any monotonic clock).
    public mutating func batchFinished(at time: Double) {
        batchesSeen += 1
        if batchesSeen == Self.skippedBatches { startOfSteadyState = time }
        lastTime = time
    }

    /// Seconds per batch in the steady state so far.
    public var secondsPerBatch: Double? {
        guard let start = startOfSteadyState, batchesSeen > Self.skippedBatches else { return nil }
        return (lastTime - start) / Double(batchesSeen - Self.skippedBatches)
    }

    /// Seconds for `batches` more batches, plus `extraSeconds` (e.g. the validations still to run).
    public func seconds(forBatches batches: Int, extraSeconds: Double = 0) -> Double? {
        secondsPerBatch.map { $0 * Double(batches) + extraSeconds }
    }

    /// Seconds since the process started counting, on the clock `batchFinished` uses.
    public static var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
