import Foundation

/// Round tick values for an axis: steps of 1, 2 or 5 × 10^k, about `approximateCount`
/// of them, over a range widened to whole steps so that the data never touches a frame.
public struct AxisTicks: Sendable {
    public let lower: Double
    public let upper: Double
    public let step: Double
    /// The multiples of `step` from lower to upper.
    public var values: [Double] {
        // The tolerance keeps an end that is a whole step up to rounding.
        let first = (lower / step - 1e-9).rounded(.up), last = (upper / step + 1e-9).rounded(.down)
        guard first <= last else { return [] }
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Ticks for data from `low` to `high` (in any order). An empty span is widened to
    /// one unit (or a tenth of the value) either side. `wholeNumbers`: steps of at least
    /// 1, for counts such as epochs.
    public init(covering low: Double, _ high: Double, approximateCount: Int = 6, wholeNumbers: Bool = false) {
        var (low, high) = (min(low, high), max(low, high))
        if !low.isFinite || !high.isFinite { (low, high) = (0, 1) }
        if high - low <= 1e-12 * max(abs(low), 1) {
            let pad = low == 0 ? 1 : abs(low) / 10
            (low, high) = (low - pad, high + pad)
        }
        let rough = (high - low) / Double(max(approximateCount - 1, 1))
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough * 0.999 }!
        if wholeNumbers { step = max(step, 1) }
        self.step = step
        lower = (low / step).rounded(.down) * step
        upper = (high / step).rounded(.up) * step
    }

    /// Round ticks inside a fixed range (a colour scale's), which is kept as it is.
    public init(fixed low: Double, _ high: Double, approximateCount: Int = 6) {
        step = AxisTicks(covering: low, high, approximateCount: approximateCount).step
        (lower, upper) = (min(low, high), max(low, high))
    }

    /// A label with as many decimals as the step needs ("0.25" steps get two).
    public func label(_ value: Double) -> String {
        let decimals = max(0, Int((-log10(step) - 1e-9).rounded(.up)))
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
