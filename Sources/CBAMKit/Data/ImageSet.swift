import Foundation
import ImageCodecs

/// Labelled images ready for a network of one input size: each image converted to
/// C channels and stored as its transform keeps it (`ImageTransform.stored`, 8-bit):
/// small images resized to S×S; photos with their shorter side resized to
/// R = round(S/0.875) and their aspect kept, so that both the centre crop and the
/// random-resized crop are taken from them (about R²·4/3·C bytes for a 4:3 photo:
/// 262 KB at S = 224, against 150 KB for S×S). Kept in memory when they fit the
/// cache budget, otherwise decoded again each time they are used (streamed).
public final class ImageSet: @unchecked Sendable {
    public let paths: [String]
    public let labels: [Int]
    public let channels: Int
    public let imageSize: Int
    public let transform: ImageTransform
    /// The stored images, when cached.
    private let cached: [Image]?

    /// The default budget for keeping decoded images in memory.
    public static let defaultCacheMegabytes = 2048

    public var count: Int { labels.count }
    public var isCached: Bool { cached != nil }

    private init(paths: [String], labels: [Int], channels: Int, imageSize: Int, transform: ImageTransform, cached: [Image]?) {
        self.paths = paths
        self.labels = labels
        self.channels = channels
        self.imageSize = imageSize
        self.transform = transform
        self.cached = cached
    }

    /// The i-th image as stored (C channels; S×S for `fitWhole`, shorter side
    /// round(S/0.875) for `photo`).
    public func image(_ i: Int) throws -> Image {
        if let cached { return cached[i] }
        return transform.stored(try Image(contentsOf: paths[i]), channels: channels, imageSize: imageSize)
    }

    /// The i-th image as evaluation sees it: S×S, C channels.
    public func fittedImage(_ i: Int) throws -> Image {
        transform.fitted(try image(i), channels: channels, imageSize: imageSize)
    }

    /// Bytes the cache budgets per image: S·S·3, or for a photo R·R·4/3·3 (a 4:3 photo).
    static func cacheBytesPerImage(imageSize: Int, transform: ImageTransform) -> Int {
        switch transform {
        case .fitWhole: return imageSize * imageSize * 3
        case .photo:
            let short = ImageTransform.resizedShorterSide(imageSize: imageSize)
            return short * short * 4
        }
    }

    /// Decodes every file in parallel over the cores. A file that cannot be decoded
    /// is passed to `skipped` (in path order) and left out. `channels` nil: 1 when
    /// every image is grey, else 3. Images are cached when `count·S·S·3` bytes
    /// (photos: `count·R·R·4`, R = round(S/0.875)) fit `cacheBytes`.
    public static func load(_ files: [LabeledFile], imageSize: Int, channels: Int?, transform: ImageTransform = .fitWhole,
                            cacheBytes: Int, skipped: (ImageError) -> Void) -> ImageSet {
        let caching = files.count * cacheBytesPerImage(imageSize: imageSize, transform: transform) <= cacheBytes
        var decoded = [Image?](repeating: nil, count: files.count)
        var colourful = [Bool](repeating: false, count: files.count)
        var failures = [ImageError?](repeating: nil, count: files.count)
        decoded.withUnsafeMutableBufferPointer { decoded in
            colourful.withUnsafeMutableBufferPointer { colourful in
                failures.withUnsafeMutableBufferPointer { failures in
                    let chunks = max(1, min(files.count, ProcessInfo.processInfo.activeProcessorCount * 8))
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        for i in (files.count * chunk / chunks)..<(files.count * (chunk + 1) / chunks) {
                            do {
                                let image = try Image(contentsOf: files[i].path)
                                colourful[i] = image.channels >= 3
                                // Before the channel count is known, keep the image's own (grey or RGB).
                                if caching {
                                    decoded[i] = transform.stored(image, channels: channels ?? (image.channels >= 3 ? 3 : 1),
                                                                  imageSize: imageSize)
                                }
                            } catch let error as ImageError {
                                failures[i] = error
                            } catch {
                                failures[i] = ImageError(file: files[i].path, reason: "\(error)")
                            }
                        }
                    }
                }
            }
        }
        failures.compactMap { $0 }.forEach(skipped)
        let kept = files.indices.filter { failures[$0] == nil }
        let resolved = channels ?? (kept.contains { colourful[$0] } ? 3 : 1)
        let images = caching ? kept.map { i -> Image in
            let image = decoded[i]!
            return image.channels == resolved ? image : image.converted(toChannels: resolved)
        } : nil
        return ImageSet(paths: kept.map { files[$0].path }, labels: kept.map { files[$0].label },
                        channels: resolved, imageSize: imageSize, transform: transform, cached: images)
    }

    /// Images per class.
    public func classCounts(classes: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// Per-channel mean and standard deviation of the pixel values (0…1), for normalising.
    public func channelStatistics() throws -> (mean: [Float], std: [Float]) {
        var sums = [Double](repeating: 0, count: channels), squares = sums
        for i in 0..<count {
            let image = try fittedImage(i)
            image.pixels.withUnsafeBufferPointer { pixels in
                for c in 0..<channels {
                    var sum = 0, square = 0
                    for p in stride(from: c, to: pixels.count, by: channels) {
                        let v = Int(pixels[p])
                        sum += v
                        square += v * v
                    }
                    sums[c] += Double(sum)
                    squares[c] += Double(square)
                }
            }
        }
        let n = Double(max(count, 1) * imageSize * imageSize)
        let mean = sums.map { $0 / n / 255 }
        let std = zip(squares, mean).map { square, mean in
            max((square / n / 65025 - mean * mean).squareRoot(), 1e-3)   // a constant channel still divides safely
        }
        return (mean.map(Float.init), std.map(Float.init))
    }
}
