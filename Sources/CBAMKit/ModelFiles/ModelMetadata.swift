import Foundation

/// What `cbam classify` needs besides the weights: the network (its `ModelConfiguration`),
/// the class names and the normalisation. Stored as the safetensors header's
/// `__metadata__`, whose values are all strings (lists as JSON arrays).
public struct ModelMetadata: Equatable, Sendable {
    public static let format = "cbam-model-1"

    public var configuration: ModelConfiguration
    /// Class names, in the order of the classifier's outputs.
    public var classNames: [String]
    /// Per-channel normalisation: (x − mean) / std.
    public var mean: [Float]
    public var std: [Float]
    /// How images become the network's input (key `transform`); files written before
    /// it existed are `fitWhole`, as they were trained.
    public var transform: ImageTransform
    /// Any other entries (the training epoch, a checkpoint's state, …), kept as they are.
    public var extra: [String: String]

    public init(configuration: ModelConfiguration, classNames: [String], mean: [Float], std: [Float],
                transform: ImageTransform = .fitWhole, extra: [String: String] = [:]) {
        precondition(classNames.count == configuration.classes, "\(classNames.count) class names for \(configuration.classes) classes")
        precondition(mean.count == configuration.channels && std.count == configuration.channels, "one mean and one std per channel")
        self.configuration = configuration
        self.classNames = classNames
        self.mean = mean
        self.std = std
        self.transform = transform
        self.extra = extra
    }

    /// How an image becomes this model's input.
    public var preprocessing: Preprocessing {
        Preprocessing(channels: configuration.channels, imageSize: configuration.imageSize, mean: mean, std: std,
                      transform: transform)
    }
}

// MARK: - To and from `__metadata__`

extension ModelMetadata {
    /// The header keys besides the configuration's own (PyTorch-side spelling: snake_case).
    private enum Key {
        static let format = "format", classes = "classes", mean = "mean", std = "std", transform = "transform"
    }

    /// The configuration's fields that every model file stores; a ViT also stores its own.
    private static func storedFields(of architecture: ModelConfiguration.Architecture) -> [ModelConfiguration.Field] {
        let common: [ModelConfiguration.Field] = [.architecture, .attention, .width, .depth, .reduction, .channels, .imageSize]
        return architecture == .vitTiny ? common + [.patchSize, .heads, .mlpRatio] : common
    }

    /// The `__metadata__` dictionary. Floats are written in their shortest exact form,
    /// `[0.485, 0.456, 0.406]`, which Python's `json.loads` reads back unchanged.
    public var strings: [String: String] {
        var strings = extra
        strings[Key.format] = Self.format
        for field in Self.storedFields(of: configuration.architecture) {
            strings[field.metadataKey] = configuration.text(of: field)
        }
        strings[Key.classes] = String(decoding: try! Self.jsonEncoder.encode(classNames), as: UTF8.self)
        strings[Key.mean] = "[" + mean.map { "\($0)" }.joined(separator: ", ") + "]"
        strings[Key.std] = "[" + std.map { "\($0)" }.joined(separator: ", ") + "]"
        strings[Key.transform] = transform.rawValue
        return strings
    }

    /// Compact JSON with class names as written ("t-shirt/top", not "t-shirt\\/top").
    private static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }()

    /// Reads `__metadata__` and validates the configuration it describes, so that no
    /// model is built from sizes outside `ModelConfiguration.Limits`; `fileName` names
    /// the file in errors.
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
        func jsonArray<Element: Decodable>(_ key: String, of _: Element.Type) throws -> [Element] {
            let value = try string(key)
            guard let array = try? JSONDecoder().decode([Element].self, from: Data(value.utf8)) else {
                throw failure("metadata '\(key)' is '\(value)', expected a JSON array of \(Element.self == String.self ? "strings" : "numbers")")
            }
            return array
        }

        let classNames = try jsonArray(Key.classes, of: String.self)
        var configuration = ModelConfiguration()
        let architectureText = try string(ModelConfiguration.Field.architecture.metadataKey)
        guard let architecture = ModelConfiguration.Architecture(rawValue: architectureText) else {
            throw failure("unknown architecture '\(architectureText)' (this version knows "
                          + ModelConfiguration.Architecture.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        configuration.architecture = architecture
        configuration.classes = classNames.count
        for field in Self.storedFields(of: architecture) where field != .architecture {
            let text = try string(field.metadataKey)
            do { try configuration.set(field, from: text) } catch let invalid as ModelConfiguration.Invalid {
                throw failure("metadata '\(field.metadataKey)' is '\(text)': \(invalid.reason)")
            }
        }
        do { try configuration.validate() } catch let invalid as ModelConfiguration.Invalid {
            let key = invalid.field == .classes ? Key.classes : invalid.field?.metadataKey
            throw failure(key.map { "metadata '\($0)': \(invalid.reason)" } ?? "its metadata describes a network too large to build: \(invalid.reason)")
        }

        let mean = try jsonArray(Key.mean, of: Float.self), std = try jsonArray(Key.std, of: Float.self)
        for (key, values) in [(Key.mean, mean), (Key.std, std)] where values.count != configuration.channels {
            throw failure("metadata '\(key)' has \(values.count) values for \(configuration.channels) channels")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw failure("metadata 'mean' \(mean) or 'std' \(std) is not finite, or a std is not positive")
        }
        var transform = ImageTransform.fitWhole
        if let text = strings[Key.transform] {
            guard let value = ImageTransform(rawValue: text) else {
                throw failure("metadata 'transform' is '\(text)', expected "
                              + ImageTransform.allCases.map(\.rawValue).joined(separator: " or "))
            }
            transform = value
        }
        let known = Set([Key.format, Key.classes, Key.mean, Key.std, Key.transform] + Self.storedFields(of: architecture).map(\.metadataKey))
        self.init(configuration: configuration, classNames: classNames, mean: mean, std: std, transform: transform,
                  extra: strings.filter { !known.contains($0.key) })
    }
}

// MARK: - A field as text

extension ModelConfiguration {
    /// A field's value as a model file writes it.
    func text(of field: Field) -> String {
        switch field {
        case .architecture: return architecture.rawValue
        case .attention: return attention.rawValue
        case .channels: return String(channels)
        case .classes: return String(classes)
        case .width: return String(width)
        case .depth: return String(depth)
        case .reduction: return String(reduction)
        case .heads: return String(heads)
        case .imageSize: return String(imageSize)
        case .patchSize: return String(patchSize)
        case .mlpRatio: return String(mlpRatio)
        }
    }

    /// Sets a field from its text; throws `Invalid` for text that is not a value of it.
    mutating func set(_ field: Field, from text: String) throws {
        func integer() throws -> Int {
            guard let value = Int(text) else { throw Invalid(field: field, reason: "expected an integer") }
            return value
        }
        switch field {
        case .architecture:
            guard let value = Architecture(rawValue: text) else { throw Invalid(field: field, reason: "unknown architecture") }
            architecture = value
        case .attention:
            guard let value = AttentionKind(rawValue: text) else {
                throw Invalid(field: field, reason: "unknown attention (expected none, se or cbam)")
            }
            attention = value
        case .channels: channels = try integer()
        case .classes: classes = try integer()
        case .width: width = try integer()
        case .depth: depth = try integer()
        case .reduction: reduction = try integer()
        case .heads: heads = try integer()
        case .imageSize: imageSize = try integer()
        case .patchSize: patchSize = try integer()
        case .mlpRatio: mlpRatio = try integer()
        }
    }
}
