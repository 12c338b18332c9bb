#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An image file's size and channel count read from its header alone (PNG's IHDR,
/// JPEG's start-of-frame), without decoding: what `train` looks at to choose its
/// defaults, cheap enough for every file of a folder. The size is the stored one
/// (before any EXIF rotation, which keeps the shorter side).
public struct ImageHeader: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// 1 (grey, with or without alpha) or 3 (colour, palette included).
    public var channels: Int

    public init(width: Int, height: Int, channels: Int) {
        self.width = width
        self.height = height
        self.channels = channels
    }

    public var shorterSide: Int { min(width, height) }

    /// JPEG's start-of-frame usually comes after EXIF (at most 64 KB) and the tables.
    static let bytesRead = 256 << 10

    /// The header of the file at `path`; nil when it cannot be read or is neither PNG nor JPEG.
    public init?(contentsOf path: String) {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var bytes = [UInt8](repeating: 0, count: Self.bytesRead)
        var total = 0
        while total < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress! + total, $0.count - total) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            total += n
        }
        self.init(bytes: Array(bytes.prefix(total)))
    }

    /// The header in a file's first bytes.
    public init?(bytes: [UInt8]) {
        switch ImageFormat(detecting: bytes) {
        case .png?: self.init(png: bytes)
        case .jpeg?: self.init(jpeg: bytes)
        case nil: return nil
        }
    }

    private static func bigEndian(_ bytes: [UInt8], _ at: Int, _ count: Int) -> Int {
        (at..<(at + count)).reduce(0) { $0 << 8 | Int(bytes[$1]) }
    }

    /// IHDR is the first chunk: width and height at 16 and 20, the colour type at 25
    /// (0 grey, 4 grey + alpha; 2, 3 and 6 colour).
    private init?(png bytes: [UInt8]) {
        guard bytes.count >= 26, bytes[12...15].elementsEqual("IHDR".utf8) else { return nil }
        let width = Self.bigEndian(bytes, 16, 4), height = Self.bigEndian(bytes, 20, 4)
        guard width > 0, height > 0 else { return nil }
        self.init(width: width, height: height, channels: [0, 4].contains(bytes[25]) ? 1 : 3)
    }

    /// Walks the markers to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC):
    /// precision, height, width, components.
    private init?(jpeg bytes: [UInt8]) {
        var at = 2
        while at + 9 < bytes.count {
            guard bytes[at] == 0xFF else { return nil }
            let marker = bytes[at + 1]
            if marker == 0xFF { at += 1; continue }   // fill byte
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { at += 2; continue }   // no length
            let length = Self.bigEndian(bytes, at + 2, 2)
            if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                let height = Self.bigEndian(bytes, at + 5, 2), width = Self.bigEndian(bytes, at + 7, 2)
                guard width > 0, height > 0 else { return nil }
                self.init(width: width, height: height, channels: bytes[at + 9] >= 3 ? 3 : 1)
                return
            }
            guard length >= 2 else { return nil }
            at += 2 + length
        }
        return nil
    }
}
