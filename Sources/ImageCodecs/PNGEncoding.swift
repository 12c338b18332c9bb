internal import CImageCodecs   // internal: no C type can reach the public API

extension Image {
    /// The image as an 8-bit PNG (grey, grey+alpha, RGB or RGBA).
    public func pngData() throws -> [UInt8] {
        try encodePNG(name: "PNG encoder")
    }

    /// Writes the image as PNG; the file appears whole or not at all
    /// (written under a temporary name in the same folder, then renamed).
    public func writePNG(to path: String) throws {
        try FileBytes.writeAtomically(encodePNG(name: path), to: path)
    }

    private func encodePNG(name: String) throws -> [UInt8] {
        // Room for incompressible data (stored zlib blocks and chunk headers),
        // so that one compression pass is the usual case.
        let filteredSize = height * (rowLength + 1)
        var capacity = filteredSize + filteredSize / 64 + 1024
        var message = [CChar](repeating: 0, count: 256)
        while true {
            var status = CBAM_FAILED
            var size = capacity
            let png = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                status = pixels.withUnsafeBufferPointer {
                    cbam_encode_png($0.baseAddress, Int32(width), Int32(height), Int32(channels),
                                    buffer.baseAddress, &size, &message)
                }
                initialized = status == CBAM_OK ? size : 0
            }
            switch status {
            case CBAM_OK: return png
            case CBAM_NEEDS_BUFFER: capacity = size
            default: throw ImageError(file: name, reason: String(cString: message))
            }
        }
    }
}
