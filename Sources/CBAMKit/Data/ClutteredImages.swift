import ImageCodecs

/// Cluttered Fashion-MNIST (DESIGN.md): each garment at a random place on a black
/// 56×56 canvas among six 9×9 crops of other garments of the same split, so that the
/// class is decided in a small part of the image and an attention map has something to
/// find. Pixels combine by maximum; the label is the garment's. Image i depends only on
/// the seed, the split, i and the sources, so images can be made in any order, in parallel.
/// Pixels only: `cbam import-idx --clutter` writes them and their boxes.
public struct ClutteredImages: Sendable {
    /// Which split the sources are. Each split draws from its own seed, derived from the
    /// data set's, so that the two never share placements.
    public enum Split: String, CaseIterable, Sendable {
        case train, test

        /// Mixed into the seed, so that the same data set seed gives each split its own draws.
        var salt: UInt64 { self == .train ? 0x7A41 : 0x7E57 }
    }

    public static let canvasSize = 56
    public static let clutterPatches = 6
    public static let patchSize = 9
    /// A garment's pixels are those brighter than this: its tight box bounds them.
    public static let garmentThreshold: UInt8 = 10

    /// The split's images, grey, all of one size: the garments and where clutter is cut from.
    public let sources: [Image]
    public let seed: UInt64
    public let split: Split

    /// Why sources cannot be cluttered, said so that it can follow their file's name.
    public struct UnsuitableSources: Error, CustomStringConvertible {
        public let description: String
    }

    public init(sources: [Image], seed: UInt64, split: Split) throws {
        guard sources.count >= 2 else {
            throw UnsuitableSources(description: "has \(counted(sources.count, "image")); clutter is cut from other images, so it needs at least 2")
        }
        let (width, height) = (sources[0].width, sources[0].height)
        let sides = Self.patchSize...Self.canvasSize
        guard sides.contains(width), sides.contains(height) else {
            throw UnsuitableSources(description: "has \(width)×\(height) images; cluttering needs sides from \(sides.lowerBound) (a clutter patch) to \(sides.upperBound) (the canvas)")
        }
        if let odd = sources.firstIndex(where: { $0.width != width || $0.height != height || $0.channels != 1 }) {
            throw UnsuitableSources(description: "image \(odd) is not grey \(width)×\(height) as image 0 is")
        }
        self.sources = sources
        self.seed = seed
        self.split = split
    }

    /// What the random draws decided for one image.
    public struct Layout: Equatable, Sendable {
        /// A crop of another source image, pasted at (x, y).
        public struct Patch: Equatable, Sendable {
            public var source: Int
            public var crop: PixelBox
            public var x: Int
            public var y: Int
        }

        public var patches: [Patch]
        /// The whole garment image's box on the canvas.
        public var garment: PixelBox
    }

    /// One generated image with the boxes `boxes.csv` records.
    public struct Sample: Equatable, Sendable {
        public var image: Image
        /// The garment's full box (28×28 for Fashion-MNIST).
        public var box: PixelBox
        /// The bounding box of the garment's pixels above `garmentThreshold`, on the canvas.
        public var tightBox: PixelBox
    }

    public func layout(of index: Int) -> Layout {
        precondition(sources.indices.contains(index), "image \(index) of \(sources.count)")
        var generator = RandomGenerator(seed: mix(seed, split.salt, UInt64(index)))
        func uniform(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(generator.next() % UInt64(range.count))
        }
        let (width, height) = (sources[0].width, sources[0].height)
        let (canvas, patch) = (Self.canvasSize, Self.patchSize)
        let patches = (0..<Self.clutterPatches).map { _ in
            // Any image but this one: draw from the others, then skip over `index`.
            let other = uniform(0...sources.count - 2)
            let crop = PixelBox(x: uniform(0...width - patch), y: uniform(0...height - patch), width: patch, height: patch)
            return Layout.Patch(source: other < index ? other : other + 1, crop: crop,
                                x: uniform(0...canvas - patch), y: uniform(0...canvas - patch))
        }
        let garment = PixelBox(x: uniform(0...canvas - width), y: uniform(0...canvas - height), width: width, height: height)
        return Layout(patches: patches, garment: garment)
    }

    /// Image `index` of the split: its garment is `sources[index]`.
    public func sample(_ index: Int) -> Sample {
        let layout = layout(of: index)
        var pixels = [UInt8](repeating: 0, count: Self.canvasSize * Self.canvasSize)
        func paste(_ source: Image, _ crop: PixelBox, x: Int, y: Int) {
            for row in 0..<crop.height {
                for column in 0..<crop.width {
                    let value = source.pixels[(crop.y + row) * source.width + crop.x + column]
                    let target = (y + row) * Self.canvasSize + x + column
                    pixels[target] = max(pixels[target], value)
                }
            }
        }
        for patch in layout.patches {
            paste(sources[patch.source], patch.crop, x: patch.x, y: patch.y)
        }
        let garment = sources[index], box = layout.garment
        paste(garment, PixelBox(x: 0, y: 0, width: box.width, height: box.height), x: box.x, y: box.y)
        let tight = PixelBox(around: garment, brighterThan: Self.garmentThreshold)
        return Sample(image: Image(width: Self.canvasSize, height: Self.canvasSize, channels: 1, pixels: pixels),
                      box: box, tightBox: tight.offsetBy(x: box.x, y: box.y))
    }
}
