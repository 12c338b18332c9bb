import Foundation
import ImageCodecs

/// Every map of one model scored against the boxes of a split (`boxes.csv`): what
/// `cbam localise` prints and `cbam compare` adds to its report for each model's seed-0 run.
public struct LocalisationReport: Codable, Equatable, Sendable {
    /// One map's scores.
    public struct MapScore: Codable, Equatable, Sendable {
        public var method: ExplanationMethod
        public var layer: String
        /// The map's share of mass inside the box.
        public var massInBox: Double
        /// massInBox ÷ the box's share of the image: 1 is no preference.
        public var massRatio: Double
        /// The share of images whose map maximum lies inside the box.
        public var pointingHitRate: Double
    }

    public var model: String
    public var folder: String
    public var boxes: String
    public var box: BoxedImage.Extent
    public var images: Int
    /// The mean share of the image the boxes cover: a map without preference scores this in both measures.
    public var boxShare: Double
    public var maps: [MapScore]

    /// Runs every explanation method `model` has over the images `boxesPath` lists
    /// (file names relative to `folder`) and scores each map against the `extent` box.
    /// An image that cannot be read, or whose box is empty or reaches outside it, is a
    /// `DatasetError` naming the image.
    public static func measure(_ model: TrainedModel, folder: String, boxesPath: String, extent: BoxedImage.Extent,
                               batchSize: Int = 64) throws -> LocalisationReport {
        let rows = try BoxesFile.read(boxesPath, folder: folder)
        var images: [Image] = [], regions: [PixelBox] = []
        for row in rows {
            let path = ImageFolder.join(folder, row.file)
            let image = try Image(contentsOf: path), region = row.box(extent)
            let described = "its \(extent.rawValue) box in \(boxesPath) (\(region.x), \(region.y), \(region.width)×\(region.height))"
            guard !region.isEmpty else {
                throw DatasetError(path: path, reason: "\(described) is empty\(extent == .tight ? "; --box full scores the whole box" : "")")
            }
            guard region.fits(width: image.width, height: image.height) else {
                throw DatasetError(path: path, reason: "\(described) reaches outside the \(image.width)×\(image.height) image")
            }
            images.append(image)
            regions.append(region)
        }
        let explainer = try Explainer(model: model, methods: ExplanationMethod.available(for: model.network))
        let maps = AttentionLocalisation.measure(explainer, images: images, regions: regions.map { box in { box.contains(x: $0, y: $1) } },
                                                 batchSize: batchSize)
        return LocalisationReport(
            model: model.url.lastPathComponent, folder: folder, boxes: boxesPath, box: extent, images: images.count,
            boxShare: maps.first?.mass.areaShare ?? 0,
            maps: maps.map { MapScore(method: $0.method, layer: $0.layer, massInBox: $0.mass.massShare,
                                      massRatio: $0.mass.ratio, pointingHitRate: $0.pointingHitRate) })
    }
}
