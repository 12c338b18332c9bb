import ArgumentParser

/// How a command prints its results on stdout: text for people, `--json` (one object a
/// line) or `--csv` (a header, then one row a line) for scripts.
enum OutputFormat: String, EnumerableFlag {
    case text, json, csv

    static func help(for value: OutputFormat) -> ArgumentHelp? {
        switch value {
        case .text: return "Print text for people (the default)."
        case .json: return "Print one JSON object per line."
        case .csv: return "Print CSV: a header line, then one row per line."
        }
    }
}
