import Foundation

/// A model's inference benchmark kept beside its runs, keyed by what decides the
/// figures (the network, the batches, the rounds, the threads and the machine), so a
/// comparison run again (every run reused) does not measure again; any change measures anew.
struct BenchmarkCache {
    let url: URL
    let key: String

    private struct Entry: Codable {
        var key: String
        var result: NetworkBenchmark.Result
    }

    init(url: URL, benchmark: NetworkBenchmark) {
        self.url = url
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let model = (try? encoder.encode(benchmark.configuration)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        key = "\(model) train batch \(benchmark.trainBatch), inference batch \(benchmark.inferenceBatch), "
            + "rounds \(benchmark.rounds)/\(benchmark.latencyRounds), \(Comparison.machine)"
    }

    /// The figures stored for this key; nil when there are none or they were for another.
    var result: NetworkBenchmark.Result? {
        guard let data = try? Data(contentsOf: url), let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.key == key else { return nil }
        return entry.result
    }

    func store(_ result: NetworkBenchmark.Result) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(Entry(key: key, result: result)).writeAtomically(to: url)
    }
}
