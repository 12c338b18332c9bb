import ImageCodecs

/// Where a model's maps point over a set of images with known regions (a pattern's box,
/// a garment's pixels or box): per map the explainer gives, the mean `AttentionMass` and
/// the pointing game's hit rate, each map taken at its image's size.
public struct AttentionLocalisation: Codable, Equatable, Sendable {
    public var method: ExplanationMethod
    public var layer: String
    public var mass: AttentionMass
    /// The mean of `PointingGame.hit` over the images: the share whose map maximum lies in the region.
    public var pointingHitRate: Double

    /// `regions[i](x, y)` says whether pixel (x, y) of image i is in its region.
    public static func measure(_ explainer: Explainer, images: [Image], regions: [(Int, Int) -> Bool],
                               batchSize: Int = 64) -> [AttentionLocalisation] {
        precondition(images.count == regions.count, "one region per image")
        var masses = [[AttentionMass]](repeating: [], count: explainer.layers.count)
        var hits = [Double](repeating: 0, count: explainer.layers.count)
        for start in stride(from: 0, to: images.count, by: batchSize) {
            let range = start..<min(start + batchSize, images.count)
            for (i, explanation) in zip(range, explainer.explain(Array(images[range]))) {
                // The maps cover the part of the image the input shows (a photo's centre crop).
                let box = explainer.model.preprocessing.transform.visibleRegion(
                    width: images[i].width, height: images[i].height, imageSize: explainer.model.preprocessing.imageSize)
                let region = { (x: Int, y: Int) in regions[i](x + box.x, y + box.y) }
                for (m, layerMap) in explanation.maps.enumerated() {
                    let map = layerMap.map.resized(width: box.width, height: box.height)
                    masses[m].append(AttentionMass(map, inside: region))
                    hits[m] += PointingGame.hit(map, inside: region)
                }
            }
        }
        return explainer.layers.indices.map { m in
            AttentionLocalisation(method: explainer.layers[m].method, layer: explainer.layers[m].layer, mass: .mean(masses[m]),
                                  pointingHitRate: hits[m] / Double(max(images.count, 1)))
        }
    }

    /// The pixels of a grey (or colour, by luma) image brighter than `threshold`: the
    /// garment of a Fashion-MNIST image, whose background is black.
    public static func brighterThan(_ threshold: UInt8, in image: Image) -> (Int, Int) -> Bool {
        let grey = image.converted(toChannels: 1)
        return { x, y in grey.pixels[y * grey.width + x] > threshold }
    }
}
