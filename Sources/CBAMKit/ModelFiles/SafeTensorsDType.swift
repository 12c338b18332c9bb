import Foundation

/// The element types cbam reads from safetensors files, as the header names them.
/// Every one is converted to Float on reading; cbam writes only F32 and I64.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case f32 = "F32", f64 = "F64", f16 = "F16", bf16 = "BF16", i64 = "I64", i32 = "I32"

    public var byteCount: Int {
        switch self {
        case .f16, .bf16: return 2
        case .f32, .i32: return 4
        case .f64, .i64: return 8
        }
    }

    /// Decodes `count` little-endian elements starting at `source` into `destination`.
    func decode(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        // loadUnaligned: tensors of different sizes share the data section, so an
        // element's offset need not be a multiple of its size.
        func element<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
            T(littleEndian: source.loadUnaligned(fromByteOffset: i * byteCount, as: T.self))
        }
        for i in 0..<count {
            switch self {
            case .f32: destination[i] = Float(bitPattern: element(i, UInt32.self))
            case .f64: destination[i] = Float(Double(bitPattern: element(i, UInt64.self)))
            case .f16: destination[i] = Float(Float16(bitPattern: element(i, UInt16.self)))
            // bfloat16 is the top half of a Float32.
            case .bf16: destination[i] = Float(bitPattern: UInt32(element(i, UInt16.self)) << 16)
            case .i64: destination[i] = Float(element(i, Int64.self))
            case .i32: destination[i] = Float(element(i, Int32.self))
            }
        }
    }

    /// Encodes `count` elements from `source` as little-endian bytes at `destination`.
    /// F32 and I64 only.
    func encode(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer) {
        for i in 0..<count {
            let offset = i * byteCount
            switch self {
            case .f32: destination.storeBytes(of: source[i].bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
            case .i64: destination.storeBytes(of: Int64(source[i].rounded()).littleEndian, toByteOffset: offset, as: Int64.self)
            default: preconditionFailure("cbam writes only F32 and I64 tensors, not \(rawValue)")
            }
        }
    }
}
