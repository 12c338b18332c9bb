import ArgumentParser
import CBAMKit

/// The network's architecture and sizes, each size defaulting to DESIGN.md's value for
/// the chosen model and architecture (`Architecture.defaultSizes`): shared by train,
/// compare and bench.
struct ModelSizeOptions: ParsableArguments {
    private static let small = ModelConfiguration.Architecture.resnetSmall.defaultSizes
    private static let official = ModelConfiguration.Architecture.resnet50.defaultSizes
    private static let vit = ModelConfiguration(kind: .vit)

    @Option(name: .customLong("arch"),
            help: "The ResNet (default resnet-small; resnet18 … resnet101 are the CBAM paper's); --model plain|se|cbam chooses its attention.")
    var architecture: ModelConfiguration.Architecture?
    @Option(help: "ResNet base width w (default \(small.width); \(official.width) for resnet18 … resnet101), or the ViT's dimension d (default \(vit.width)).")
    var width: Int?
    @Option(help: "BasicBlocks per resnet-small stage (default \(small.depth); resnet18 … resnet101 fix their own), or ViT encoder blocks (default \(vit.depth)).")
    var depth: Int?
    @Option(help: "SE/CBAM reduction r (default \(small.reduction); \(official.reduction) for resnet18 … resnet101).") var reduction: Int?
    @Option(help: "ViT patch side p (default S/8, so 64 patches, at least 4: 4 at S = 32, 8 at S = 64, 28 at S = 224).") var patchSize: Int?
    @Option(help: "ViT attention heads (default \(vit.heads)).") var heads: Int?

    /// The configuration of `kind` with these sizes, unvalidated; a ResNet architecture
    /// for the ViT is a usage error.
    func configuration(_ kind: ModelConfiguration.Kind, input: InputOptions, channels: Int, classes: Int) throws -> ModelConfiguration {
        if kind == .vit, let architecture {
            throw ValidationError("--arch \(architecture.rawValue) chooses a ResNet, but --model vit is the ViT; leave --arch out")
        }
        var configuration = ModelConfiguration(kind: kind, resnet: architecture ?? .resnetSmall, channels: channels,
                                               imageSize: input.imageSize, classes: classes)
        if let width { configuration.width = width }
        if let depth { configuration.depth = depth }
        if let reduction { configuration.reduction = reduction }
        if let patchSize { configuration.patchSize = patchSize }
        if let heads { configuration.heads = heads }
        return configuration
    }
}

/// `--arch` takes the ResNets only; the ViT is `--model vit`.
extension ModelConfiguration.Architecture: ExpressibleByArgument {
    public init?(argument: String) {
        guard let architecture = Self(rawValue: argument), architecture.isResNet else { return nil }
        self = architecture
    }

    public static var allValueStrings: [String] { resnets.map(\.rawValue) }
}
