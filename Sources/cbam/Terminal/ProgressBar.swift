/// A one-line live progress bar on a terminal (redrawn in place with \r, at most
/// ten times a second); prints nothing when stderr is not a terminal. Each redraw
/// fits the terminal's width as it is then (a resize is followed at the next one):
/// a line that wrapped would leave a copy of itself behind at every redraw.
import Foundation

struct ProgressBar {
    var width = 24
    private var lastDraw = 0.0
    private var visible = false

    /// Redraws: `prefix [#####.....] done/total  detail`, cut to the terminal's width.
    mutating func update(done: Int, total: Int, prefix: String, detail: String, force: Bool = false) {
        guard StandardError.isTerminal else { return }
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        guard force || now - lastDraw >= 0.1 || done == total else { return }
        lastDraw = now
        StandardError.write("\r\u{1B}[2K" + Self.line(done: done, total: total, prefix: prefix, detail: detail,
                                                      barWidth: width, columns: StandardError.columns))
        visible = true
    }

    /// The bar's text for a terminal `columns` wide: the bar narrows first (to 8), then the
    /// end of the line is cut, leaving the last column free (writing there wraps on some terminals).
    static func line(done: Int, total: Int, prefix: String, detail: String, barWidth: Int, columns: Int?) -> String {
        func text(_ width: Int) -> String {
            let filled = total == 0 ? width : min(width, width * max(done, 0) / total)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            return "\(prefix) [\(bar)] \(done)/\(total)  \(detail)"
        }
        guard let columns else { return text(barWidth) }
        let room = max(columns - 1, 1)
        let narrower = max(min(barWidth, barWidth - (text(barWidth).count - room)), min(8, barWidth))
        return String(text(narrower).prefix(room))
    }

    /// Clears the bar so that a normal line can be printed in its place.
    mutating func clear() {
        guard visible else { return }
        StandardError.write("\r\u{1B}[2K")
        visible = false
    }
}
