import ArgumentParser

struct BenchNetwork: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "network", abstract: "Training and inference throughput of a network.")
    func run() throws { throw ValidationError("not built yet") }
}
