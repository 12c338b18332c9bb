import ArgumentParser

/// `cbam bench` measures the network (the default) or the image decoders.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput in a release build.",
        subcommands: [BenchNetwork.self, BenchDecode.self],
        defaultSubcommand: BenchNetwork.self)
}
