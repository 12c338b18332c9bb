import ImageCodecs

/// Training-time augmentation. Small images (`ImageTransform.fitWhole`): a random S×S
/// crop of the image padded by `padding` black pixels on every side, and a horizontal
/// flip half of the time (as torchvision's RandomCrop(S, padding) + RandomHorizontalFlip).
/// Photos (`ImageTransform.photo`): a random-resized crop, the flip and a colour jitter
/// of strength `colourJitter` (0: none); see `PhotoAugmentation.swift`.
public struct Augmentation: Sendable, Codable, Equatable {
    public var padding: Int
    public var flip: Bool
    /// Photos only: brightness, contrast and saturation each scaled by a factor drawn
    /// uniformly from [max(0, 1 − s), 1 + s], in that order; 0 turns the jitter off.
    public var colourJitter: Float

    public init(padding: Int, flip: Bool, colourJitter: Float = 0) {
        self.padding = padding
        self.flip = flip
        self.colourJitter = colourJitter
    }

    private enum CodingKeys: String, CodingKey { case padding, flip, colourJitter }

    /// Checkpoints written before the colour jitter existed read as no jitter.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        padding = try container.decode(Int.self, forKey: .padding)
        flip = try container.decode(Bool.self, forKey: .flip)
        colourJitter = try container.decodeIfPresent(Float.self, forKey: .colourJitter) ?? 0
    }

    /// The torchvision CIFAR recipe's padding, 4 at S = 32, scaled with the image size.
    public static func standard(imageSize: Int, flip: Bool) -> Augmentation {
        Augmentation(padding: max(1, (imageSize + 4) / 8), flip: flip)
    }

    /// One random draw: the crop's offset into the padded image, and whether to flip.
    public struct Draw: Equatable {
        public var x: Int
        public var y: Int
        public var flipped: Bool

        public init(x: Int, y: Int, flipped: Bool) {
            self.x = x
            self.y = y
            self.flipped = flipped
        }
    }

    public func draw(using generator: inout RandomGenerator) -> Draw {
        let x = Int(generator.next() % UInt64(2 * padding + 1))
        let y = Int(generator.next() % UInt64(2 * padding + 1))
        let flipped = flip && generator.next() & 1 == 1
        return Draw(x: x, y: y, flipped: flipped)
    }

    /// Writes the augmented, normalised C×S×S floats of a fitted image.
    public func write(_ image: Image, _ draw: Draw, preprocessing: Preprocessing,
                      into destination: UnsafeMutablePointer<Float>) {
        let (size, channels) = (image.width, image.channels)
        precondition(image.height == size, "augmentation expects a square, fitted image")
        image.pixels.withUnsafeBufferPointer { pixels in
            for c in 0..<channels {
                let scale = 1 / (255 * preprocessing.std[c]), offset = -preprocessing.mean[c] / preprocessing.std[c]
                let plane = destination + c * size * size
                for y in 0..<size {
                    let sourceY = y + draw.y - padding
                    let row = plane + y * size
                    guard sourceY >= 0 && sourceY < size else {
                        row.update(repeating: offset, count: size)   // a padded (black) row
                        continue
                    }
                    for x in 0..<size {
                        let cropX = draw.flipped ? size - 1 - x : x
                        let sourceX = cropX + draw.x - padding
                        row[x] = sourceX >= 0 && sourceX < size
                            ? Float(pixels[(sourceY * size + sourceX) * channels + c]) * scale + offset
                            : offset
                    }
                }
            }
        }
    }
}
