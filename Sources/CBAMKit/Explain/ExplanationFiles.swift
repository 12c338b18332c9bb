import Foundation

/// The names `cbam attention` writes for one image: they say the image, the layer and the
/// method, e.g. `shoe_layer2.0_spatial_mask.png`, `shoe_layer3_gradcam_heat.png`,
/// `shoe_attention.json`, `shoe_overview.png`; with `normalised`, also
/// `shoe_layer2.0_spatial_mask_normalised.png` and `…_heat_normalised.png` (min–max).
public struct ExplanationFiles {
    public let folder: URL
    public let stem: String
    public let layers: [(method: ExplanationMethod, layer: String)]
    /// Whether min–max normalised maps are written beside the absolute ones.
    public let normalised: Bool

    public init(folder: URL, stem: String, layers: [(method: ExplanationMethod, layer: String)], normalised: Bool = false) {
        self.folder = folder
        self.stem = stem
        self.layers = layers
        self.normalised = normalised
    }

    public func mask(method: ExplanationMethod, layer: String) -> URL { file("\(layer)_\(method.rawValue)_mask.png") }
    public func heatMap(method: ExplanationMethod, layer: String) -> URL { file("\(layer)_\(method.rawValue)_heat.png") }
    public func normalisedMask(method: ExplanationMethod, layer: String) -> URL { file("\(layer)_\(method.rawValue)_mask_normalised.png") }
    public func normalisedHeatMap(method: ExplanationMethod, layer: String) -> URL { file("\(layer)_\(method.rawValue)_heat_normalised.png") }
    public var report: URL { file("attention.json") }
    public var overview: URL { file("overview.png") }

    /// Every file, in the order they are written.
    public var all: [URL] {
        layers.flatMap { method, layer in
            [mask(method: method, layer: layer), heatMap(method: method, layer: layer)]
                + (normalised ? [normalisedMask(method: method, layer: layer), normalisedHeatMap(method: method, layer: layer)] : [])
        } + [report, overview]
    }

    private func file(_ suffix: String) -> URL { folder.appendingPathComponent("\(stem)_\(suffix)") }

    /// A distinct stem for each image path: always its file name without the extension
    /// (`cat_001`), the second image with that stem `cat_001-2`, the third `cat_001-3`.
    public static func stems(for paths: [String]) -> [String] {
        var used = Set<String>()
        return paths.map { path in
            let stem = (URL(fileURLWithPath: path).lastPathComponent as NSString).deletingPathExtension
            var candidate = stem, n = 2
            while used.contains(candidate) { candidate = "\(stem)-\(n)"; n += 1 }
            used.insert(candidate)
            return candidate
        }
    }
}
