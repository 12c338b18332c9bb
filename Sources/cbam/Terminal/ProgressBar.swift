/// A one-line live progress bar on a terminal (redrawn in place with \r, at most
/// ten times a second); prints nothing when stderr is not a terminal.
import Foundation

struct ProgressBar {
    var width = 24
    private var lastDraw = 0.0
    private var visible = false

    /// Redraws: `[#####.....] done/total` followed by `detail`.
    mutating func update(done: Int, total: Int, prefix: String, detail: String, force: Bool = false) {
        guard StandardError.isTerminal else { return }
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        guard force || now - lastDraw >= 0.1 || done == total else { return }
        lastDraw = now
        let filled = total == 0 ? width : min(width, width * done / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        StandardError.write("\r\u{1B}[2K\(prefix) [\(bar)] \(done)/\(total)  \(detail)")
        visible = true
    }

    /// Clears the bar so that a normal line can be printed in its place.
    mutating func clear() {
        guard visible else { return }
        StandardError.write("\r\u{1B}[2K")
        visible = false
    }
}
