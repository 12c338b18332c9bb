import Foundation

/// Tensor bytes as ONNX's `raw_data` holds them: little-endian, packed.
enum ONNXRawData {
    static func float32(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// bfloat16: the upper 16 bits of each float32, rounded to nearest, ties to even
    /// (as PyTorch's and oneDNN's conversions round); NaN stays NaN.
    static func bfloat16(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 2)
        for value in values { withUnsafeBytes(of: bfloat16Bits(value).littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x40 }
        let roundingBias = 0x7FFF + ((bits >> 16) & 1)
        return UInt16((bits &+ roundingBias) >> 16)
    }
}
