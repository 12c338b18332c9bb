import ArgumentParser

@main
struct CBAM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cbam",
        abstract: "Train, run, explain and compare CBAM image classifiers.",
        subcommands: [Train.self, Classify.self, Evaluate.self, Attention.self, Localise.self, Compare.self, Convert.self, ImportIDX.self, ImportTorch.self, Export.self, Bench.self])
}
