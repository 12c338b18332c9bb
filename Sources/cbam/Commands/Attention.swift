import ArgumentParser
import CBAMKit
import Charts
import Foundation
import ImageCodecs

/// `cbam attention`: where a model looks, as PNG maps, a JSON report and an overview per image.
struct Attention: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write attention maps (CBAM spatial attention, Grad-CAM) for images.",
        discussion: """
            For each image and each map: a grey PNG mask at the image's own size (0 = no \
            attention, 255 = full) and a colour heat map blended over the image; a JSON \
            report with the prediction, the probabilities and every CBAM block's channel \
            attention Mc; and an overview PNG of the input beside every map. Files are named \
            IMAGE_LAYER_METHOD_mask.png, IMAGE_LAYER_METHOD_heat.png, IMAGE_attention.json and \
            IMAGE_overview.png, IMAGE being the image's file name without its extension (a \
            second image of that name gets IMAGE-2). Spatial maps are shown as they are (0 to \
            1); --normalise also writes each mask and heat map stretched min-to-max \
            (IMAGE_LAYER_METHOD_mask_normalised.png, …_heat_normalised.png), for maps whose \
            values lie close together (a CBAM gate near 0.5 everywhere looks uniform grey); \
            the JSON report gives each map's minimum and maximum.

            Methods: spatial, each CBAM block's spatial attention Ms (sigmoid outputs, shown \
            as they are); gradcam, Grad-CAM on the last convolutional stage (layer3) of any \
            CNN, for the predicted class or --class, scaled so its maximum is 1; rollout, a \
            ViT's attention rollout (Abnar & Zuidema) from the class token to the patches, \
            scaled so its maximum is 1. Without --method, every method the model allows.

            Examples:
              cbam attention Datasets/sample/sneaker.jpg
              cbam attention photos/ --model pets-cbam.safetensors --method gradcam --class cat --out maps/
              cbam attention shoe.png --normalise --colour-map viridis --force
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case spatial, gradcam, both, rollout

        var methods: [ExplanationMethod] {
            switch self {
            case .spatial: return [.spatial]
            case .gradcam: return [.gradcam]
            case .both: return [.spatial, .gradcam]
            case .rollout: return [.rollout]
            }
        }
    }

    @Argument(help: ArgumentHelp("Images (PNG or JPEG), folders of images (searched recursively), or - for standard input.", valueName: "image"))
    var inputs: [String]

    @OptionGroup var modelChoice: ModelChoice

    @Option(help: ArgumentHelp("The folder to write into (created if missing).", valueName: "folder"))
    var out = "attention"

    @Option(help: "spatial, gradcam, both (spatial and gradcam) or rollout (ViT); default: every method the model allows.")
    var method: Method?

    @Option(name: .customLong("class"), help: "The class Grad-CAM explains (default: each image's predicted class).")
    var className: String?

    @Option(name: .customLong("colour-map"), help: ArgumentHelp("viridis, magma or turbo.", valueName: "name"))
    var colourMapName = "turbo"

    @Option(help: "The heat map's opacity over the image, 0 to 1.")
    var opacity = 0.5

    @Option(help: "Images per forward pass.")
    var batchSize = 32

    @Flag(help: "Also write each mask and heat map normalised min-to-max.")
    var normalise = false

    @Flag(help: "Replace files that exist already.")
    var force = false

    func validate() throws {
        if ColourMap(named: colourMapName) == nil { throw ValidationError("--colour-map must be viridis, magma or turbo") }
        if !(0...1).contains(opacity) { throw ValidationError("--opacity must be between 0 and 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let modelURL = try modelChoice.url()
        let trained = try modelChoice.load()
        let explainer: Explainer
        do {
            let methods = method?.methods ?? ExplanationMethod.available(for: trained.network)
            if className != nil && !methods.contains(.gradcam) {
                throw CommandFailure("--class chooses the class Grad-CAM explains, and no Grad-CAM is asked for")
            }
            explainer = try Explainer(model: trained, methods: methods, targetClass: try targetClass(in: trained))
        } catch let error as ExplanationError {
            throw CommandFailure(error.description)
        }

        let images = try ImageInputs.expand(inputs)
        let folder = URL(fileURLWithPath: out)
        let plans = zip(images, ExplanationFiles.stems(for: images.map(\.name))).map { input, stem in
            (input: input, files: ExplanationFiles(folder: folder, stem: stem, layers: explainer.layers, normalised: normalise))
        }
        if !force {
            let existing = plans.flatMap(\.files.all).filter { FileManager.default.fileExists(atPath: $0.path) }
            if let first = existing.first {
                let more = existing.count > 1 ? " and \(existing.count - 1) more" : ""
                throw CommandFailure("\(first.path)\(more) exist already; pass --force to replace them")
            }
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        var writer = ExplanationWriter(classNames: trained.classNames, modelName: modelURL.lastPathComponent)
        writer.colourMap = ColourMap(named: colourMapName)!
        writer.opacity = opacity
        var failures = 0
        for start in stride(from: 0, to: plans.count, by: batchSize) {
            // Decode the batch; an unreadable image is reported and left out.
            var batch: [(plan: (input: ImageInput, files: ExplanationFiles), image: Image)] = []
            for plan in plans[start..<min(start + batchSize, plans.count)] {
                do { batch.append((plan, try plan.input.image())) } catch {
                    StandardError.error(error)
                    failures += 1
                }
            }
            for (item, explanation) in zip(batch, explainer.explain(batch.map(\.image))) {
                do {
                    let written = try writer.write(explanation, of: trained.preprocessing.visiblePart(of: item.image), imagePath: item.plan.input.name, to: item.plan.files)
                    let prediction = "\(written.predicted.label) \(percent(Double(written.predicted.probability), digits: 1))"
                    print("\(item.plan.input.name): \(prediction) -> \(item.plan.files.overview.path)")
                } catch {
                    StandardError.error(error)
                    failures += 1
                }
            }
        }
        if failures > 0 {
            StandardError.line("\(failures) of \(counted(plans.count, "image")) could not be explained")
            throw ExitCode.failure
        }
    }

    /// The index of --class among the model's labels (case-insensitive), or nil without --class.
    private func targetClass(in model: TrainedModel) throws -> Int? {
        guard let className else { return nil }
        if let index = model.classNames.firstIndex(where: { $0.caseInsensitiveCompare(className) == .orderedSame }) {
            return index
        }
        throw CommandFailure("--class \(className) is not a class of the model; it knows: \(model.classNames.joined(separator: ", "))")
    }
}
