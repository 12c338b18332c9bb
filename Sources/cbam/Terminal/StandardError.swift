import Foundation

/// Progress and diagnostics go to stderr, so stdout carries only results.
enum StandardError {
    static var isTerminal: Bool { isatty(2) == 1 }

    /// The terminal's width now (one ioctl, cheap enough for every redraw); nil when
    /// stderr is not a terminal or does not say.
    static var columns: Int? {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Set on the ranks other than 0 of a data-parallel run: rank 0 alone reports progress
    /// (errors still reach stderr from any rank: they are thrown, not written here).
    nonisolated(unsafe) static var isQuiet = false

    static func write(_ text: String) {
        guard !isQuiet else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func line(_ text: String) { write(text + "\n") }

    /// One input that failed while the others go on, with the prefix ArgumentParser gives
    /// a command's own failure, so every error reads alike: "Error: a.jpg: not a PNG or JPEG file".
    static func error(_ error: Any) { line("Error: \(error)") }

    /// Something the user should know that does not stop the command.
    static func warning(_ text: String) { line("Warning: \(text)") }
}

/// "1:05:07" / "3:21".
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--:--" }
    let total = Int(seconds.rounded())
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
}

func percent(_ value: Double, digits: Int = 2) -> String {
    String(format: "%.\(digits)f%%", value * 100)
}

func fixed(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

/// `text` right-aligned in a column `width` characters wide, for tables of numbers.
func rightAligned(_ text: String, width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}
