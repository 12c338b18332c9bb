import ImageCodecs

/// Where a model's maps put their mass over a set of images with known regions (a
/// pattern's box, a garment's pixels): one mean `AttentionMass` per map the explainer
/// gives, each map taken at its image's size.
public struct AttentionLocalisation: Codable, Equatable, Sendable {
    public var method: ExplanationMethod
    public var layer: String
    public var mass: AttentionMass

    /// `regions[i](x, y)` says whether pixel (x, y) of image i is in its region.
    public static func measure(_ explainer: Explainer, images: [Image], regions: [(Int, Int) -> Bool],
                               batchSize: Int = 64) -> [AttentionLocalisation] {
        precondition(images.count == regions.count, "one region per image")
        var masses = [[AttentionMass]](repeating: [], count: explainer.layers.count)
        for start in stride(from: 0, to: images.count, by: batchSize) {
            let range = start..<min(start + batchSize, images.count)
            for (i, explanation) in zip(range, explainer.explain(Array(images[range]))) {
                for (m, layerMap) in explanation.maps.enumerated() {
                    let map = layerMap.map.resized(width: images[i].width, height: images[i].height)
                    masses[m].append(AttentionMass(map, inside: regions[i]))
                }
            }
        }
        return zip(explainer.layers, masses).map { AttentionLocalisation(method: $0.method, layer: $0.layer, mass: .mean($1)) }
    }

    /// The pixels of a grey (or colour, by luma) image brighter than `threshold`: the
    /// garment of a Fashion-MNIST image, whose background is black.
    public static func brighterThan(_ threshold: UInt8, in image: Image) -> (Int, Int) -> Bool {
        let grey = image.converted(toChannels: 1)
        return { x, y in grey.pixels[y * grey.width + x] > threshold }
    }
}
