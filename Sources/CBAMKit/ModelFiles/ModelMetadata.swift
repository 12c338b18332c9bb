import Foundation

/// What `cbam classify` needs besides the weights: the network to build, the class
/// names and how to prepare an image. Stored as the safetensors header's
/// `__metadata__`, whose values are all strings (lists as JSON arrays).
public struct ModelMetadata: Equatable, Sendable {
    public static let format = "cbam-model-1"

    /// "resnet-small" or "vit-tiny".
    public var architecture: String
    /// "none", "se" or "cbam".
    public var attention: String
    public var width: Int
    public var depth: Int
    public var reduction: Int
    /// Input channels: 1 (grey) or 3 (RGB).
    public var channels: Int
    /// Input side S: images are resized to S×S.
    public var imageSize: Int
    /// Class names, in the order of the classifier's outputs.
    public var classes: [String]
    /// Per-channel normalisation: (x − mean) / std.
    public var mean: [Float]
    public var std: [Float]
    /// Any other entries (a ViT's patch size, the training epoch, …), kept as they are.
    public var extra: [String: String]

    public init(architecture: String, attention: String, width: Int, depth: Int, reduction: Int,
                channels: Int, imageSize: Int, classes: [String], mean: [Float], std: [Float],
                extra: [String: String] = [:]) {
        self.architecture = architecture
        self.attention = attention
        self.width = width
        self.depth = depth
        self.reduction = reduction
        self.channels = channels
        self.imageSize = imageSize
        self.classes = classes
        self.mean = mean
        self.std = std
        self.extra = extra
    }
}

// MARK: - To and from `__metadata__`

extension ModelMetadata {
    /// The header keys of the named fields (PyTorch-side spelling: snake_case).
    private enum Key {
        static let format = "format", architecture = "architecture", attention = "attention"
        static let width = "width", depth = "depth", reduction = "reduction", channels = "channels"
        static let imageSize = "image_size", classes = "classes", mean = "mean", std = "std"
        static let all: Set = [format, architecture, attention, width, depth, reduction, channels,
                               imageSize, classes, mean, std]
    }

    /// The `__metadata__` dictionary. Floats are written in their shortest exact form,
    /// `[0.485, 0.456, 0.406]`, which Python's `json.loads` reads back unchanged.
    public var strings: [String: String] {
        var strings = extra
        strings[Key.format] = Self.format
        strings[Key.architecture] = architecture
        strings[Key.attention] = attention
        strings[Key.width] = String(width)
        strings[Key.depth] = String(depth)
        strings[Key.reduction] = String(reduction)
        strings[Key.channels] = String(channels)
        strings[Key.imageSize] = String(imageSize)
        strings[Key.classes] = String(decoding: try! Self.jsonEncoder.encode(classes), as: UTF8.self)
        strings[Key.mean] = "[" + mean.map { "\($0)" }.joined(separator: ", ") + "]"
        strings[Key.std] = "[" + std.map { "\($0)" }.joined(separator: ", ") + "]"
        return strings
    }

    /// Compact JSON with class names as written ("t-shirt/top", not "t-shirt\\/top").
    private static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }()

    /// Reads `__metadata__`; `fileName` names the file in errors.
    public init(strings: [String: String], fileName: String) throws {
        func failure(_ reason: String) -> ModelFileError { ModelFileError(file: fileName, reason: reason) }
        guard let format = strings[Key.format] else {
            throw failure("not a cbam model file (its metadata has no 'format')")
        }
        guard format == Self.format else {
            throw failure("not a cbam model file this version reads: format '\(format)', expected '\(Self.format)'")
        }
        func string(_ key: String) throws -> String {
            guard let value = strings[key] else { throw failure("the metadata has no '\(key)'") }
            return value
        }
        func integer(_ key: String) throws -> Int {
            let value = try string(key)
            guard let number = Int(value) else { throw failure("metadata '\(key)' is '\(value)', expected an integer") }
            return number
        }
        func jsonArray<Element: Decodable>(_ key: String, of _: Element.Type) throws -> [Element] {
            let value = try string(key)
            guard let array = try? JSONDecoder().decode([Element].self, from: Data(value.utf8)) else {
                throw failure("metadata '\(key)' is '\(value)', expected a JSON array of \(Element.self == String.self ? "strings" : "numbers")")
            }
            return array
        }
        self.init(architecture: try string(Key.architecture), attention: try string(Key.attention),
                  width: try integer(Key.width), depth: try integer(Key.depth),
                  reduction: try integer(Key.reduction), channels: try integer(Key.channels),
                  imageSize: try integer(Key.imageSize), classes: try jsonArray(Key.classes, of: String.self),
                  mean: try jsonArray(Key.mean, of: Float.self), std: try jsonArray(Key.std, of: Float.self),
                  extra: strings.filter { !Key.all.contains($0.key) })
        for (key, values) in [(Key.mean, mean), (Key.std, std)] where values.count != channels {
            throw failure("metadata '\(key)' has \(values.count) values for \(channels) channels")
        }
    }
}
