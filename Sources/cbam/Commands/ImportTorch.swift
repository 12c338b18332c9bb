import ArgumentParser
import CBAMKit
import Foundation

/// `cbam import-torch`: a PyTorch state_dict (the official CBAM ResNets' checkpoints)
/// → a cbam model file.
struct ImportTorch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-torch",
        abstract: "Turn a PyTorch checkpoint of a CBAM/SE/plain ResNet into a cbam model file.",
        discussion: """
            CHECKPOINT is a torch.save file (the zip archive of PyTorch 1.6 and later, or the \
            legacy stream of PyTorch 0.4 to 1.5, as the authors' published files are) of the \
            network's state_dict, or of a dict holding it under 'state_dict' (as the CBAM \
            authors' checkpoints do); DataParallel's 'module.' prefixes are removed. Its keys \
            and shapes must be exactly those of the cbam network --arch, --model and the sizes \
            describe (the official ResidualNet's). The model file normalises with ImageNet's \
            mean and std (RGB), as the official training did; classify resizes images to \
            --image-size (224 for ImageNet checkpoints).

            Examples:
              cbam import-torch RESNET50_CBAM.pth --arch resnet50 --classes imagenet-classes.txt --image-size 224 --out resnet50-cbam.safetensors
              cbam import-torch cifar-cbam.pt --classes 10 --image-size 32 --out cifar-cbam.safetensors
            """)

    static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
    static let imageNetStd: [Float] = [0.229, 0.224, 0.225]

    @Argument(help: "The PyTorch checkpoint (torch.save: zip or legacy format).") var checkpoint: String
    @Option(help: "plain, se or cbam: the attention of the checkpoint's blocks.") var model: ModelConfiguration.Kind = .cbam
    @OptionGroup var size: ModelSizeOptions
    @OptionGroup var input: InputOptions
    @Option(help: ArgumentHelp("N (classes named 0 … N-1) or a file of class names, one a line, in the checkpoint's output order.",
                               valueName: "N|FILE"))
    var classes: String
    @Option(help: "The model file to write (safetensors).") var out: String
    @Flag(help: "Replace --out if it exists.") var force = false

    func validate() throws {
        if model == .vit { throw ValidationError("--model: import-torch reads ResNets (plain, se or cbam), not the ViT") }
        if let channels = input.channels, channels != 3 {
            throw ValidationError("--channels: the checkpoints are RGB networks with ImageNet's normalisation; only 3 is possible")
        }
        // The sizes, checked with two classes: the real count is known once --classes is read.
        _ = try configuration(classes: 2)
    }

    /// The validated network for `classes` classes; a broken bound is a usage error naming its option.
    func configuration(classes: Int) throws -> ModelConfiguration {
        let configuration = try size.configuration(model, input: input, channels: 3, classes: classes)
        do { try configuration.validate() } catch { throw usageError(error) }
        return configuration
    }

    func run() throws {
        let names = try Self.classNames(classes)
        let configuration = try configuration(classes: names.count)
        let outURL = URL(fileURLWithPath: out), checkpointURL = URL(fileURLWithPath: checkpoint)
        try OutputFiles.refuseOverwritingInput(output: out, input: checkpoint)
        try OutputFiles.refuseReplacing(outURL, subject: "--out \(out)", force: force)
        try OutputFiles.checkWritable(outURL, subject: "--out \(out)")

        // The official evaluation's Resize(256) + CenterCrop(224) is the photo transform at S = 224.
        let metadata = ModelMetadata(configuration: configuration, classNames: names, mean: Self.imageNetMean, std: Self.imageNetStd,
                                     transform: .default(imageSize: configuration.imageSize), extra: ["imported_from": checkpointURL.lastPathComponent])
        let network = try ModelFile.importing(checkpointURL, as: metadata)
        try ModelFile.save(network, metadata: metadata, to: outURL)
        print("\(out): \(configuration.name), \(names.count) classes, \(configuration.imageSize)×\(configuration.imageSize) RGB, "
              + "from \(checkpoint)")
    }

    /// `--classes`: a count N (names "0" … "N-1") or a file with one name a line (a last
    /// empty line and Windows line ends allowed; names non-empty and distinct).
    static func classNames(_ text: String) throws -> [String] {
        if let count = Int(text) {
            let limits = ModelConfiguration.Limits.classes
            guard limits.contains(count) else {
                throw ValidationError("--classes: \(count) is outside \(limits.lowerBound)–\(limits.upperBound)")
            }
            return (0..<count).map(String.init)
        }
        let contents: String
        do { contents = try String(contentsOfFile: text, encoding: .utf8) } catch {
            throw CommandFailure("--classes \(text): neither a number nor a readable text file of class names (\(SystemErrorDescription.plainReason(error)))")
        }
        // "\r\n" is one Character in Swift: both line ends are separators.
        var lines = contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if let empty = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw CommandFailure("\(text): line \(empty + 1) is empty; each line names one class")
        }
        var seen: [String: Int] = [:]
        for (i, name) in lines.enumerated() {
            if let first = seen[name] { throw CommandFailure("\(text): line \(i + 1) repeats line \(first + 1)'s class '\(name)'") }
            seen[name] = i
        }
        return lines
    }
}
