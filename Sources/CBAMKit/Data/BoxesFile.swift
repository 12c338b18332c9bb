import Foundation

/// One image of a split and where its garment is.
public struct BoxedImage: Equatable, Sendable {
    /// The image's path relative to the split folder: "Bag/00012.png".
    public var file: String
    public var className: String
    /// The garment image's whole box (28×28 for Fashion-MNIST).
    public var box: PixelBox
    /// The bounding box of the garment's pixels above the threshold (empty when none is).
    public var tightBox: PixelBox

    public init(file: String, className: String, box: PixelBox, tightBox: PixelBox) {
        (self.file, self.className) = (file, className)
        (self.box, self.tightBox) = (box, tightBox)
    }

    /// Which of an image's two boxes a measurement uses (`cbam localise --box`).
    public enum Extent: String, CaseIterable, Sendable, Codable {
        /// The bounding box of the garment's pixels above the threshold.
        case tight
        /// The garment image's whole box.
        case full
    }

    public func box(_ extent: Extent) -> PixelBox { extent == .tight ? tightBox : box }
}

/// `boxes.csv` beside a cluttered split's class folders, one line per image, so that
/// attention maps can be scored against where the garment is:
///
///     file,class,x,y,width,height,tight_x,tight_y,tight_width,tight_height
///     Bag/00012.png,Bag,14,3,28,28,18,5,20,24
///
/// Plain comma-separated fields without quoting: file and class names hold no commas.
public enum BoxesFile {
    public static let header = "file,class,x,y,width,height,tight_x,tight_y,tight_width,tight_height"
    private static let columns = header.split(separator: ",").map(String.init)

    /// The file's text, rows in the given order.
    public static func text(_ rows: [BoxedImage]) -> String {
        let lines = rows.map { row in
            precondition(!(row.file + row.className).contains { $0 == "," || $0.isNewline }, "a comma or line break in \(row.file)")
            let numbers = [row.box, row.tightBox].flatMap { [$0.x, $0.y, $0.width, $0.height] }
            return ([row.file, row.className] + numbers.map(String.init)).joined(separator: ",")
        }
        return ([header] + lines).map { $0 + "\n" }.joined()
    }

    /// Writes the file whole or not at all.
    public static func write(_ rows: [BoxedImage], to path: String) throws {
        try Data(text(rows).utf8).writeAtomically(to: URL(fileURLWithPath: path))
    }

    /// Reads `path`, whose files are relative to `folder`; a file that is missing,
    /// malformed, or names an image that does not exist is a `DatasetError` naming it,
    /// the line and the reason.
    public static func read(_ path: String, folder: String) throws -> [BoxedImage] {
        guard FileManager.default.fileExists(atPath: path) else { throw DatasetError(path: path, reason: "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError(path: path, reason: "cannot be read") }
        return try parse(String(decoding: data, as: UTF8.self), path: path) { file in
            let image = ImageFolder.join(folder, file)
            return FileManager.default.fileExists(atPath: image) ? nil : "\(image) does not exist"
        }
    }

    /// The rows of a file's text; `path` names it in errors, and `check` may refuse a
    /// row's file with a reason. Blank lines are skipped.
    public static func parse(_ text: String, path: String, check: (String) -> String? = { _ in nil }) throws -> [BoxedImage] {
        // "\r\n" is one Character, and a newline.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard lines.first.map(String.init) == header else {
            throw DatasetError(path: path, reason: "line 1: expected the header \(header)")
        }
        var rows: [BoxedImage] = [], firstLine: [String: Int] = [:]
        for (index, line) in lines.enumerated().dropFirst() where !line.allSatisfy(\.isWhitespace) {
            let number = index + 1
            func failure(_ reason: String) -> DatasetError { DatasetError(path: path, reason: "line \(number): \(reason)") }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == columns.count else {
                throw failure("\(counted(fields.count, "field")), expected \(columns.count) (\(header))")
            }
            guard !fields[0].isEmpty, !fields[1].isEmpty else { throw failure("the \(fields[0].isEmpty ? "file" : "class") is empty") }
            let numbers = try zip(columns, fields).dropFirst(2).map { column, field in
                guard let value = Int(field) else { throw failure("\(column) '\(field)' is not a whole number") }
                guard value >= 0 else { throw failure("\(column) \(value) is negative") }
                return value
            }
            if let earlier = firstLine[fields[0]] { throw failure("\(fields[0]) is listed already on line \(earlier)") }
            if let reason = check(fields[0]) { throw failure(reason) }
            firstLine[fields[0]] = number
            rows.append(BoxedImage(file: fields[0], className: fields[1],
                                   box: PixelBox(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3]),
                                   tightBox: PixelBox(x: numbers[4], y: numbers[5], width: numbers[6], height: numbers[7])))
        }
        guard !rows.isEmpty else { throw DatasetError(path: path, reason: "lists no images") }
        return rows
    }
}
