internal import CImageCodecs   // internal: no C type can reach the public API

extension Image {
    /// Decodes PNG or JPEG bytes (the format is found from the bytes).
    /// `name` is the file name that errors carry.
    public static func decode(_ bytes: UnsafeRawBufferPointer, name: String,
                              options: DecodeOptions = DecodeOptions()) throws -> Image {
        var image = Image()
        try image.decode(bytes, name: name, options: options)
        return image
    }

    public static func decode(_ bytes: [UInt8], name: String,
                              options: DecodeOptions = DecodeOptions()) throws -> Image {
        try bytes.withUnsafeBytes { try decode($0, name: name, options: options) }
    }

    /// Reads and decodes a PNG or JPEG file.
    public init(contentsOf path: String, options: DecodeOptions = DecodeOptions()) throws {
        let bytes = try FileBytes.contents(of: path)
        self = try Image.decode(bytes, name: path, options: options)
    }

    /// Decodes into this image, reusing its pixel memory when it is large
    /// enough: a loop decoding images of one size allocates nothing.
    /// On failure the image is left empty.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, name: String,
                                options: DecodeOptions = DecodeOptions()) throws {
        guard let format = ImageFormat(detecting: bytes) else {
            self = Image()
            throw ImageError(file: name, reason: bytes.isEmpty ? "empty file" : "not a PNG or JPEG file")
        }
        let decoder = format == .png ? cbam_decode_png : cbam_decode_jpeg
        let data = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let cOptions = cbam_decode_options(max_pixels: UInt64(max(options.maxPixels, 0)),
                                           keep_alpha: options.keepAlpha ? 1 : 0)
        var result = cbam_decode_result()

        // First into the memory we have; if it is too small the call stops
        // after the header, and we decode again into a buffer of the right size.
        var status = pixels.withUnsafeMutableBufferPointer {
            decoder(data, bytes.count, cOptions, $0.baseAddress, $0.count, &result)
        }
        if status == CBAM_NEEDS_BUFFER {
            let count = Int(result.width) * Int(result.height) * Int(result.channels)
            pixels = []   // the old memory goes before the new is taken
            pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                status = decoder(data, bytes.count, cOptions, buffer.baseAddress, count, &result)
                initialized = status == CBAM_OK ? count : 0
            }
        }
        guard status == CBAM_OK else {
            self = Image()
            let reason = status == CBAM_FAILED ? Self.message(in: &result) : "internal error: the decoder asked for memory twice"
            throw ImageError(file: name, reason: reason)
        }
        let count = Int(result.width) * Int(result.height) * Int(result.channels)
        pixels.removeLast(pixels.count - count)   // keeps the capacity for the next decode
        reshape(width: Int(result.width), height: Int(result.height), channels: Int(result.channels))
    }

    private static func message(in result: inout cbam_decode_result) -> String {
        withUnsafeBytes(of: &result.message) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    }
}
