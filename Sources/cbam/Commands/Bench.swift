import ArgumentParser

/// `cbam bench` measures the network (the default), the image decoders, or where attention falls.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput in a release build, or where attention falls.",
        subcommands: [BenchNetwork.self, BenchDecode.self, BenchAttention.self],
        defaultSubcommand: BenchNetwork.self)
}
