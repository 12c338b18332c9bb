import Foundation

/// The names `cbam attention` writes for one image: they say the image, the layer and the
/// method, e.g. `shoe_layer2.0_spatial_mask.png`, `shoe_layer3_gradcam_heat.png`,
/// `shoe_attention.json`, `shoe_overview.png`.
public struct ExplanationFiles {
    public let folder: URL
    public let stem: String
    public let layers: [(method: ExplanationMethod, layer: String)]

    public init(folder: URL, stem: String, layers: [(method: ExplanationMethod, layer: String)]) {
        self.folder = folder
        self.stem = stem
        self.layers = layers
    }

    public func mask(method: ExplanationMethod, layer: String) -> URL { file("\(layer)_\(method.rawValue)_mask.png") }
    public func heatMap(method: ExplanationMethod, layer: String) -> URL { file("\(layer)_\(method.rawValue)_heat.png") }
    public var report: URL { file("attention.json") }
    public var overview: URL { file("overview.png") }

    /// Every file, in the order they are written.
    public var all: [URL] {
        layers.flatMap { [mask(method: $0.method, layer: $0.layer), heatMap(method: $0.method, layer: $0.layer)] }
            + [report, overview]
    }

    private func file(_ suffix: String) -> URL { folder.appendingPathComponent("\(stem)_\(suffix)") }

    /// A distinct stem for each image path: its file name without the extension, then with
    /// it if two images share a name, then with a counter.
    public static func stems(for paths: [String]) -> [String] {
        let names = paths.map { URL(fileURLWithPath: $0).lastPathComponent }
        let bare = names.map { ($0 as NSString).deletingPathExtension }
        var counts: [String: Int] = [:]
        for stem in bare { counts[stem, default: 0] += 1 }
        var used = Set<String>()
        return zip(names, bare).map { name, stem in
            var candidate = counts[stem]! > 1 ? name : stem
            var n = 2
            while used.contains(candidate) { candidate = "\(counts[stem]! > 1 ? name : stem)-\(n)"; n += 1 }
            used.insert(candidate)
            return candidate
        }
    }
}
