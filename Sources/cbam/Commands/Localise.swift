import ArgumentParser
import CBAMKit
import Foundation

extension BoxedImage.Extent: ExpressibleByArgument {}

/// `cbam localise DIR`: does each of a model's maps find the object whose box is known?
struct Localise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score every attention map of a model against known object boxes: mass in the box, and the pointing game.",
        discussion: """
            For each image that DIR/boxes.csv lists (as `import-idx --clutter` writes it), \
            runs every explanation method the model has (each CBAM block's spatial attention \
            Ms, Grad-CAM for any CNN, rollout for a ViT), upsamples each map to the image's \
            size, and reports per map:
              ratio: the map's share of mass inside the box ÷ the box's share of the image \
            (1: no preference; above 1: denser on the object);
              pointing game: the share of images whose map maximum lies inside the box (ties \
            split, so a flat map scores the box's share).
            DIR may also be a data set root, whose test/ (or val/) is then used.

            Examples:
              Datasets/cluttered-fashion-mnist.sh
              cbam localise Datasets/cluttered-fashion-mnist --model Models/fashion-mnist-cluttered-cbam.safetensors
              cbam train Datasets/cluttered-fashion-mnist --image-size 56 --transform fit-whole --epochs 6 --out mine.safetensors
              cbam localise Datasets/cluttered-fashion-mnist --model mine.safetensors
              cbam localise Datasets/cluttered-fashion-mnist/test --box full --json
            """)

    static let batchSizes = 1...1024

    @Argument(help: "The split folder that boxes.csv describes.") var directory: String
    @Option(help: "The boxes file (default: DIR/boxes.csv); its file names are relative to DIR.") var boxes: String?
    @OptionGroup var modelChoice: ModelChoice
    @Option(help: "tight: the bounding box of the object's pixels; full: the pasted image's whole box.") var box: BoxedImage.Extent = .tight
    @Option(help: "Images per forward pass.") var batchSize = 64
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard Self.batchSizes.contains(batchSize) else {
            throw ValidationError("--batch-size: \(batchSize) is outside \(Self.batchSizes.lowerBound)–\(Self.batchSizes.upperBound)")
        }
    }

    typealias Report = LocalisationReport

    func run() throws {
        let root = DataSplit.evaluationFolder(directory)
        let boxesPath = boxes ?? URL(fileURLWithPath: root).appendingPathComponent("boxes.csv").path
        let report = try Report.measure(try modelChoice.load(), folder: root, boxesPath: boxesPath, extent: box, batchSize: batchSize)
        if json { try printJSONLine(report) } else { print(Self.table(report)) }
    }

    static func table(_ report: Report) -> String {
        let boxes = "\(report.box.rawValue) box\(report.images == 1 ? "" : "es")"
        var lines = ["\(report.model) on \(report.folder): \(counted(report.images, "image")), \(boxes) "
                     + "covering \(percent(report.boxShare, digits: 1)) of the image on average",
                     "",
                     "map                     mass in box   ratio   pointing game"]
        for map in report.maps {
            let name = "\(map.layer) \(map.method.title)"
            lines.append(name.padding(toLength: 22, withPad: " ", startingAt: 0)
                         + rightAligned(percent(map.massInBox, digits: 1), width: 13)
                         + rightAligned(fixed(map.massRatio, 2), width: 8)
                         + rightAligned(percent(map.pointingHitRate, digits: 1), width: 16))
        }
        lines += ["",
                  "ratio: mass in box ÷ the box's share of the image (1: no preference). pointing game: images whose map "
                  + "maximum lies in the box (a map without preference: \(percent(report.boxShare, digits: 1)))."]
        return lines.joined(separator: "\n")
    }
}
