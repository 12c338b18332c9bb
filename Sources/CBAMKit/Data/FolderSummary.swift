import Foundation
import ImageCodecs

/// What `train` needs to know of a folder to choose its defaults (`DataDefaults`):
/// the training images per class and, from the files' headers (no decoding), the
/// median shorter side and whether the images are in colour.
public struct FolderSummary: Equatable, Sendable {
    public var classNames: [String]
    /// Training images per class, in `classNames`' order.
    public var classCounts: [Int]
    /// The median shorter side (pixels) of the images whose header could be read.
    public var medianShorterSide: Int
    /// Whether most of those images are in colour.
    public var isColour: Bool

    public init(classNames: [String], classCounts: [Int], medianShorterSide: Int, isColour: Bool) {
        self.classNames = classNames
        self.classCounts = classCounts
        self.medianShorterSide = medianShorterSide
        self.isColour = isColour
    }

    public var trainingImages: Int { classCounts.reduce(0, +) }

    /// Headers read at most: an even sample of a large folder says as much.
    static let sampledFiles = 2000

    /// The summary of `split`'s training files; nil when no header can be read (the
    /// load that follows names the files).
    public init?(_ split: DataSplit) {
        let files = split.training
        let step = max(files.count / Self.sampledFiles, 1)
        let sample = stride(from: 0, to: files.count, by: step).map { files[$0].path }
        var headers = [ImageHeader?](repeating: nil, count: sample.count)
        headers.withUnsafeMutableBufferPointer { headers in
            DispatchQueue.concurrentPerform(iterations: sample.count) { headers[$0] = ImageHeader(contentsOf: sample[$0]) }
        }
        let read = headers.compactMap { $0 }
        guard !read.isEmpty else { return nil }
        var counts = [Int](repeating: 0, count: split.classNames.count)
        for file in files { counts[file.label] += 1 }
        self.init(classNames: split.classNames, classCounts: counts,
                  medianShorterSide: read.map(\.shorterSide).sorted()[read.count / 2],
                  isColour: read.filter { $0.channels == 3 }.count * 2 > read.count)
    }
}
