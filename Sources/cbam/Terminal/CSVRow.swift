/// One line of CSV (RFC 4180): a field with a comma, a quote or a line break is quoted,
/// its quotes doubled, so any file name or class name survives.
func csvRow(_ fields: [String]) -> String {
    fields.map { field in
        field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }.joined(separator: ",")
}
