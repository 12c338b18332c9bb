import Foundation
import ImageCodecs

/// The committed fixtures (made by Fixtures/make_fixtures.py) and the
/// expected pixels recorded in Fixtures/expected.json.
enum Fixtures {
    static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path

    static func path(_ name: String) -> String { folder + "/" + name }

    static func bytes(_ name: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path(name))!)
    }

    struct DecodeCase: Decodable {
        let file: String
        let keepAlpha: Bool
        let width, height, channels: Int
        let pixels: String   // base64

        var image: Image {
            Image(width: width, height: height, channels: channels, pixels: [UInt8](Data(base64Encoded: pixels)!))
        }
    }

    struct ResizeCase: Decodable {
        let source: String
        let width, height: Int
        let pixels: String   // base64
    }

    struct Manifest: Decodable {
        let decode: [DecodeCase]
        let resize: [ResizeCase]
    }

    static let manifest: Manifest = {
        let data = FileManager.default.contents(atPath: path("expected.json"))!
        return try! JSONDecoder().decode(Manifest.self, from: data)
    }()

    /// A folder of its own under the system's temporary folder.
    static func temporaryFolder() -> String {
        let path = NSTemporaryDirectory() + "/cbam-codecs-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
