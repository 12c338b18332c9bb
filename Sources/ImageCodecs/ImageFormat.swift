/// The file formats the decoders read, recognised by their first bytes
/// (never by the file name).
public enum ImageFormat: String, Sendable {
    case png
    case jpeg

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// Start-of-image marker, then the first marker's 0xFF.
    private static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// The format these bytes start with, or nil when it is neither.
    public init?(detecting bytes: UnsafeRawBufferPointer) {
        if bytes.starts(with: Self.pngSignature) {
            self = .png
        } else if bytes.starts(with: Self.jpegSignature) {
            self = .jpeg
        } else {
            return nil
        }
    }

    public init?(detecting bytes: [UInt8]) {
        guard let format = bytes.withUnsafeBytes({ ImageFormat(detecting: $0) }) else { return nil }
        self = format
    }
}
