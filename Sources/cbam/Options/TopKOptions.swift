import ArgumentParser
import CBAMKit

/// How many of the most likely classes a report lists: shared by classify and evaluate.
struct TopKOptions: ParsableArguments {
    static let limit = 1...1000

    @Option(help: "How many of the most likely classes count (never more than the model's classes).")
    var topK = ClassificationReport.defaultTopK

    func validate() throws {
        guard Self.limit.contains(topK) else {
            throw ValidationError("--top-k: \(topK) is outside \(Self.limit.lowerBound)–\(Self.limit.upperBound)")
        }
    }
}
