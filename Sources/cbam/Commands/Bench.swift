import ArgumentParser

/// `cbam bench` measures the network (the default), the image decoders, or where attention falls.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput in a release build, or where attention falls.",
        discussion: """
            Examples:
              cbam bench --model cbam --image-size 28 --batch-size 128
              cbam bench decode Datasets/sample/sneaker.jpg
              cbam bench attention --epochs 4 --limit 1000
            """,
        subcommands: [BenchNetwork.self, BenchDecode.self, BenchAttention.self],
        defaultSubcommand: BenchNetwork.self)
}
