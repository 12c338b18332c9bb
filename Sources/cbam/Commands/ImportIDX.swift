import ArgumentParser
import CBAMKit
import Foundation
import ImageCodecs

/// `cbam import-idx`: MNIST-style IDX files → an ImageFolder tree of PNGs.
struct ImportIDX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-idx",
        abstract: "Write the images of an IDX pair (MNIST, Fashion-MNIST) as OUT/<class>/<index>.png.",
        discussion: "Datasets/fashion-mnist.sh uses it to turn Debian's dataset-fashion-mnist into an image folder.")

    @Argument(help: "The uncompressed idx3-ubyte images file.") var images: String
    @Argument(help: "The uncompressed idx1-ubyte labels file.") var labels: String
    @Option(help: "The output folder (one sub-folder per class).") var out: String
    @Option(help: "Class names for labels 0, 1, …, separated by commas.") var classes: String
    @Option(help: "Write only the first N images of each class (for samples).") var perClass: Int?

    func validate() throws {
        if let perClass, perClass < 1 { throw ValidationError("--per-class: \(perClass) is below the smallest, 1") }
    }

    func run() throws {
        let names = classes.split(separator: ",").map(String.init)
        let pictures = try IDXFile.images(images), labels = try IDXFile.labels(self.labels)
        guard pictures.count == labels.count else {
            throw ValidationError("\(images) has \(pictures.count) images but \(self.labels) has \(labels.count) labels")
        }
        if let bad = labels.first(where: { $0 >= names.count }) {
            throw ValidationError("label \(bad) has no name: --classes gives \(names.count) names")
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
        let failure = NSLock()
        var firstError: Error?
        DispatchQueue.concurrentPerform(iterations: chosen.count) { j in
            let i = chosen[j]
            do { try pictures[i].writePNG(to: "\(out)/\(names[labels[i]])/" + String(format: "%05d.png", i)) } catch {
                failure.lock(); firstError = firstError ?? error; failure.unlock()
            }
        }
        if let firstError { throw firstError }
        print("wrote \(chosen.count) images to \(out)/")
    }
}
