import ArgumentParser
import CBAMKit

@main
struct CBAM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cbam",
        abstract: "Train, run, explain and compare CBAM image classifiers.",
        discussion: """
            Examples:
              cbam train Datasets/sample/fashion-mnist --image-size 28 --epochs 30
              cbam classify Datasets/sample/sneaker.jpg
              cbam info fashion-mnist-cbam.safetensors
            """,
        version: CBAMVersion.current,
        subcommands: [Train.self, Classify.self, Evaluate.self, Info.self, Attention.self, Localise.self, Compare.self, Convert.self,
                      ImportIDX.self, ImportTorch.self, Export.self, Bench.self])
}
