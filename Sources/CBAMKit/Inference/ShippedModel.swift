import Foundation

/// Where the shipped model lives: `Models/` beside the package, found from the
/// executable's location (`.build/release/cbam` and up to four folders above it) or the
/// working directory; `CBAM_MODEL` names another file instead.
public enum ShippedModel {
    public static let fileName = "fashion-mnist-cbam.safetensors"
    /// The environment variable that names the default model.
    public static let environmentVariable = "CBAM_MODEL"

    /// The places looked in, in order.
    public static var candidates: [URL] {
        var candidates: [URL] = []
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.appendingPathComponent("Models").appendingPathComponent(fileName))
            directory.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "Models").appendingPathComponent(fileName))
        return candidates
    }

    /// The default model's file: `CBAM_MODEL`'s, or the first candidate that exists, or
    /// the last candidate when none does (what `train` must not overwrite).
    public static var url: URL {
        if let override = ProcessInfo.processInfo.environment[environmentVariable] { return URL(fileURLWithPath: override) }
        let candidates = candidates
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates.last!
    }

    /// The default model's file, or an error that says where it was looked for and how to
    /// name one (a copied executable has no `Models/` beside it).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              candidates: [URL] = candidates) throws -> URL {
        if let override = environment[environmentVariable] {
            guard FileManager.default.fileExists(atPath: override) else {
                throw ModelFileError(file: "\(environmentVariable)=\(override)",
                                      reason: "no such file; set \(environmentVariable) to a model file, or pass --model FILE")
            }
            return URL(fileURLWithPath: override)
        }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return found }
        var places: [String] = []
        for place in candidates.map({ $0.deletingLastPathComponent().standardizedFileURL.path }) where !places.contains(place) {
            places.append(place)
        }
        throw ModelFileError(file: "the shipped model \(fileName)",
                              reason: "not found in \(places.joined(separator: ", ")); pass --model FILE or set \(environmentVariable)=FILE")
    }
}
