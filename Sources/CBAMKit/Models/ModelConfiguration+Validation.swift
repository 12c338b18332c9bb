/// The bounds of every field, checked once, before anything is allocated: for options
/// on the command line and for a model file's metadata alike.
extension ModelConfiguration {
    /// A field of the description, and how the user names it.
    public enum Field: String, CaseIterable, Sendable {
        case architecture, attention, channels, classes, width, depth, reduction, heads
        case imageSize = "image_size", patchSize = "patch_size", mlpRatio = "mlp_ratio"

        /// Its key in a model file's metadata.
        public var metadataKey: String { rawValue }
        /// Its command-line option.
        public var option: String { "--" + rawValue.replacingOccurrences(of: "_", with: "-") }
    }

    /// Why a configuration cannot be built: a field's value, or (field nil) the whole
    /// network's size.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let field: Field?
        public let reason: String

        public var description: String { field.map { "\($0.rawValue): \(reason)" } ?? reason }
    }

    /// The largest sizes accepted. Generous for this tool's networks (ResNet-101 has
    /// 45 M parameters), small enough that building a model never exhausts memory.
    public enum Limits {
        public static let imageSize = 8...2048
        public static let width = 1...4096
        public static let depth = 1...256
        /// The official ResNets downsample 32×: S ≥ 32 leaves their last stage at least 1×1.
        public static let officialResNetImageSize = 32
        public static let reduction = 1...4096
        public static let classes = 2...100_000
        public static let patchSize = 1...256
        public static let heads = 1...256
        public static let mlpRatio = 1...16
        /// ViT patches per image ((S/p)²).
        public static let patches = 1...4096
        public static let parameters = 64_000_000
        /// Estimated training memory for one image's activations.
        public static let activationBytesPerImage = 1 << 30
    }

    /// Checks every field, then the whole network's size, and throws the first problem.
    public func validate() throws {
        func check(_ field: Field, _ value: Int, in range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw Invalid(field: field, reason: value < range.lowerBound
                    ? "\(value) is below the smallest, \(range.lowerBound)"
                    : "\(value) is above the largest, \(range.upperBound)")
            }
        }
        guard channels == 1 || channels == 3 else {
            throw Invalid(field: .channels, reason: "\(channels) is neither 1 (grey) nor 3 (RGB)")
        }
        try check(.classes, classes, in: Limits.classes)
        try check(.imageSize, imageSize, in: Limits.imageSize)
        try check(.width, width, in: Limits.width)
        try check(.depth, depth, in: Limits.depth)
        switch architecture {
        case .resnetSmall:
            try check(.reduction, reduction, in: Limits.reduction)
        case .resnet18, .resnet34, .resnet50, .resnet101:
            try check(.reduction, reduction, in: Limits.reduction)
            guard depth == architecture.fixedDepth else {
                throw Invalid(field: .depth, reason: "\(depth) contradicts \(architecture.rawValue), whose depth is "
                              + "\(architecture.fixedDepth!) (depth counts blocks per stage only for resnet-small)")
            }
            guard imageSize >= Limits.officialResNetImageSize else {
                throw Invalid(field: .imageSize, reason: "\(imageSize) is below \(Limits.officialResNetImageSize), the smallest "
                              + "\(architecture.rawValue) takes (it halves the image five times)")
            }
        case .vitTiny:
            try check(.patchSize, patchSize, in: Limits.patchSize)
            try check(.heads, heads, in: Limits.heads)
            try check(.mlpRatio, mlpRatio, in: Limits.mlpRatio)
            guard imageSize % patchSize == 0 else {
                throw Invalid(field: .patchSize, reason: "\(patchSize) does not divide the image size \(imageSize)")
            }
            guard Limits.patches.contains(patches) else {
                throw Invalid(field: .patchSize, reason: "\(patchSize) cuts a \(imageSize)-pixel image into \(patches) "
                              + "patches, more than \(Limits.patches.upperBound); use a larger patch")
            }
            guard width % heads == 0 else {
                throw Invalid(field: .heads, reason: "\(heads) heads do not divide the dimension (width) \(width)")
            }
        }
        // Every field is bounded now, so the counts below cannot overflow.
        guard parameterCount <= Limits.parameters else {
            throw Invalid(field: nil, reason: "the network would have \(parameterCount) parameters, more than the "
                          + "\(Limits.parameters) this tool builds; lower the width or the depth")
        }
        guard activationBytesPerImage <= Double(Limits.activationBytesPerImage) else {
            throw Invalid(field: nil, reason: "training would need about \(Int(activationBytesPerImage) >> 20) MB per "
                          + "image for activations, more than \(Limits.activationBytesPerImage >> 20) MB; lower the "
                          + "image size or the width")
        }
    }

    /// ViT patches per image.
    var patches: Int { (imageSize / patchSize) * (imageSize / patchSize) }
}
