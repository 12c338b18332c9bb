import ArgumentParser
import CBAMKit

/// The network's sizes, each defaulting to DESIGN.md's value for the chosen model:
/// shared by train, compare and bench.
struct ModelSizeOptions: ParsableArguments {
    private static let resnet = ModelConfiguration(kind: .cbam), vit = ModelConfiguration(kind: .vit)

    @Option(help: "ResNet base width w, or the ViT's dimension d (default \(resnet.width) / \(vit.width)).") var width: Int?
    @Option(help: "BasicBlocks per ResNet stage, or ViT encoder blocks (default \(resnet.depth) / \(vit.depth)).") var depth: Int?
    @Option(help: "SE/CBAM reduction r (default \(resnet.reduction)).") var reduction: Int?
    @Option(help: "ViT patch side p (default \(vit.patchSize)).") var patchSize: Int?
    @Option(help: "ViT attention heads (default \(vit.heads)).") var heads: Int?

    /// The configuration of `kind` with these sizes, unvalidated.
    func configuration(_ kind: ModelConfiguration.Kind, input: InputOptions, channels: Int, classes: Int) -> ModelConfiguration {
        var configuration = ModelConfiguration(kind: kind, channels: channels, imageSize: input.imageSize, classes: classes)
        if let width { configuration.width = width }
        if let depth { configuration.depth = depth }
        if let reduction { configuration.reduction = reduction }
        if let patchSize { configuration.patchSize = patchSize }
        if let heads { configuration.heads = heads }
        return configuration
    }
}
