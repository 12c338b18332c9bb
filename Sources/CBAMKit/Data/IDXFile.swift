import Foundation
import ImageCodecs

/// The IDX format of MNIST and Fashion-MNIST (uncompressed): a big-endian header
/// (two zero bytes, type 0x08 = unsigned byte, the number of dimensions, each size),
/// then the data. Images are [N, rows, columns], labels [N].
public enum IDXFile {
    /// Every image of an idx3-ubyte file, grey.
    public static func images(_ path: String) throws -> [Image] {
        let (dimensions, bytes, offset) = try read(path, expectedDimensions: 3)
        let (count, rows, columns) = (dimensions[0], dimensions[1], dimensions[2])
        let size = rows * columns
        return (0..<count).map { i in
            Image(width: columns, height: rows, channels: 1, pixels: Array(bytes[(offset + i * size)..<(offset + (i + 1) * size)]))
        }
    }

    /// Every label of an idx1-ubyte file.
    public static func labels(_ path: String) throws -> [Int] {
        let (dimensions, bytes, offset) = try read(path, expectedDimensions: 1)
        return bytes[offset..<(offset + dimensions[0])].map(Int.init)
    }

    private static func read(_ path: String, expectedDimensions: Int) throws -> ([Int], [UInt8], Int) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DatasetError(path: path, reason: "cannot be read: \(SystemErrorDescription.plainReason(error))")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0x08 else {
            throw DatasetError(path: path, reason: "not an uncompressed IDX file of unsigned bytes (gunzip it first)")
        }
        guard Int(bytes[3]) == expectedDimensions, bytes.count >= 4 + 4 * expectedDimensions else {
            throw DatasetError(path: path, reason: "has \(bytes[3]) dimensions, expected \(expectedDimensions)")
        }
        let dimensions = (0..<expectedDimensions).map { d in
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * d + $1]) }
        }
        let offset = 4 + 4 * expectedDimensions
        guard bytes.count - offset >= dimensions.reduce(1, *) else {
            throw DatasetError(path: path, reason: "is truncated: \(bytes.count - offset) data bytes for dimensions \(dimensions)")
        }
        return (dimensions, bytes, offset)
    }
}
