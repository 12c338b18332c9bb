import Foundation

/// Prints `value` on stdout as one line of JSON, keys sorted and slashes unescaped:
/// what `--json` gives.
func printJSONLine<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
