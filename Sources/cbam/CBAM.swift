import ArgumentParser

@main
struct CBAM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cbam",
        abstract: "Train, run, explain and compare CBAM image classifiers.",
        subcommands: [Convert.self, Attention.self, Bench.self])
}
