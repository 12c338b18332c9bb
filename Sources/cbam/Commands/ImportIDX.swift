import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs

extension ClutteredImages.Split: ExpressibleByArgument {}

/// `cbam import-idx`: MNIST-style IDX files → an ImageFolder tree of PNGs, as they are
/// or cluttered (`--clutter`).
struct ImportIDX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-idx",
        abstract: "Write the images of an IDX pair (MNIST, Fashion-MNIST) as OUT/<class>/<index>.png.",
        discussion: """
            OUT/boxes.csv gives each image's box and its tight box (the pixels above 10, the \
            garment on its black background), for `cbam localise` and `cbam compare`. \
            With --clutter SEED --split train|test, each image is Cluttered Fashion-MNIST's \
            instead (DESIGN.md): the garment at a random place on a black 56×56 canvas among \
            six 9×9 crops of other images of the file; boxes.csv then says where the garment is.

            Datasets/fashion-mnist.sh and Datasets/cluttered-fashion-mnist.sh use it to turn \
            Debian's dataset-fashion-mnist into image folders.

            Examples:
              cbam import-idx train-images-idx3-ubyte train-labels-idx1-ubyte --classes T-shirt_top,Trouser,… --out Datasets/fashion-mnist/train
              cbam import-idx t10k-images-idx3-ubyte t10k-labels-idx1-ubyte --classes … --out OUT/test --clutter 0 --split test
            """)

    @Argument(help: "The uncompressed idx3-ubyte images file.") var images: String
    @Argument(help: "The uncompressed idx1-ubyte labels file.") var labels: String
    @Option(help: "The output folder (one sub-folder per class).") var out: String
    @Option(help: "Class names for labels 0, 1, …, separated by commas.") var classes: String
    @Option(help: "Write only the first N images of each class, for samples (default: every image).") var perClass: Int?
    @Option(help: "Write cluttered 56×56 images made from this seed (default: the plain images).") var clutter: UInt64?
    @Option(help: "With --clutter: train or test, the split the IDX pair is; each has its own seed (default: train).") var split: ClutteredImages.Split?

    private var classNames: [String] { classes.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }

    func validate() throws {
        if let perClass, perClass < 1 { throw ValidationError("--per-class: \(perClass) is below the smallest, 1") }
        if let bad = classNames.first(where: { $0.isEmpty || $0.contains("/") || $0.contains(where: \.isNewline) }) {
            throw ValidationError("--classes: '\(bad)' cannot name a folder (names are non-empty, without '/' or line breaks)")
        }
        if clutter != nil && split == nil { throw ValidationError("--clutter needs --split train or test: each split has its own seed") }
        if clutter == nil && split != nil { throw ValidationError("--split chooses the seed of --clutter, which is not given") }
    }

    func run() throws {
        let names = classNames
        let pictures = try IDXFile.images(images), labels = try IDXFile.labels(self.labels)
        guard pictures.count == labels.count else {
            throw ValidationError("\(images) has \(pictures.count) images but \(self.labels) has \(labels.count) labels")
        }
        if let bad = labels.first(where: { $0 >= names.count }) {
            throw ValidationError("label \(bad) has no name: --classes gives \(names.count) names")
        }
        let cluttered = try clutter.map { seed in
            do { return try ClutteredImages(sources: pictures, seed: seed, split: split!) } catch {
                throw CommandFailure("\(images): \(error)")
            }
        }
        var seen = [Int](repeating: 0, count: names.count)
        var chosen: [Int] = []
        for (i, label) in labels.enumerated() where seen[label] < (perClass ?? .max) {
            seen[label] += 1
            chosen.append(i)
        }
        for name in names {
            try FileManager.default.createDirectory(atPath: "\(out)/\(name)", withIntermediateDirectories: true)
        }
        // boxes.csv's rows, one per image, made in the parallel pass.
        var rows = [BoxedImage?](repeating: nil, count: chosen.count)
        let failure = NSLock()
        var firstError: Error?
        rows.withUnsafeMutableBufferPointer { rows in
            DispatchQueue.concurrentPerform(iterations: chosen.count) { j in
                let i = chosen[j], file = "\(names[labels[i]])/" + String(format: "%05d.png", i)
                var image = pictures[i]
                if let cluttered {
                    let sample = cluttered.sample(i)
                    image = sample.image
                    rows[j] = BoxedImage(file: file, className: names[labels[i]], box: sample.box, tightBox: sample.tightBox)
                } else {
                    rows[j] = BoxedImage(file: file, className: names[labels[i]], box: PixelBox(x: 0, y: 0, width: image.width, height: image.height),
                                         tightBox: PixelBox(around: image, brighterThan: ClutteredImages.garmentThreshold))
                }
                do { try image.writePNG(to: "\(out)/\(file)") } catch {
                    failure.lock(); firstError = firstError ?? error; failure.unlock()
                }
            }
        }
        if let firstError { throw firstError }
        try BoxesFile.write(rows.map { $0! }, to: "\(out)/boxes.csv")
        print("wrote \(counted(chosen.count, cluttered == nil ? "image" : "cluttered image")) to \(out)/")
    }
}
