import Foundation

/// `value` as one line of JSON, keys sorted and slashes unescaped: what `--json` gives.
func jsonLine<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Prints `value` on stdout as one line of JSON.
func printJSONLine<T: Encodable>(_ value: T) throws {
    print(try jsonLine(value))
}
