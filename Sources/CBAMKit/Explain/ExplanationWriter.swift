import Charts
import Foundation
import ImageCodecs

/// Writes what `cbam attention` makes of one image: per map a grey mask and a colour heat
/// map blended over the image, both at the image's own size; the JSON report; and an
/// overview of the input beside every map.
public struct ExplanationWriter {
    public let classNames: [String]
    /// The model's file name, for the report.
    public let modelName: String
    public var colourMap: ColourMap = .turbo
    /// The heat map's opacity over the image.
    public var opacity = 0.5

    public init(classNames: [String], modelName: String) {
        self.classNames = classNames
        self.modelName = modelName
    }

    /// Writes every file of `files` for `image` (as decoded from `imagePath`); returns the report.
    @discardableResult
    public func write(_ explanation: ImageExplanation, of image: Image, imagePath: String,
                      to files: ExplanationFiles) throws -> AttentionReport {
        let predicted = explanation.predicted
        var reportMaps: [AttentionReport.Map] = []
        var panels = [PanelFigure.Panel(image: image, label: ["input \(image.width)×\(image.height)"])]
        for layerMap in explanation.maps {
            let full = layerMap.map.resized(width: image.width, height: image.height)
            let (maskURL, heatURL) = (files.mask(method: layerMap.method, layer: layerMap.layer),
                                      files.heatMap(method: layerMap.method, layer: layerMap.layer))
            try full.greyImage().writePNG(to: maskURL.path)
            let heat = full.heatOverlay(on: image, colourMap: colourMap, opacity: opacity)
            try heat.writePNG(to: heatURL.path)
            var normalisedFiles: (mask: URL, heat: URL)?
            if files.normalised {
                let paths = (mask: files.normalisedMask(method: layerMap.method, layer: layerMap.layer),
                             heat: files.normalisedHeatMap(method: layerMap.method, layer: layerMap.layer))
                let stretched = full.normalisedMinMax()
                try stretched.greyImage().writePNG(to: paths.mask.path)
                try stretched.heatOverlay(on: image, colourMap: colourMap, opacity: opacity).writePNG(to: paths.heat.path)
                normalisedFiles = paths
            }
            let shownClass = layerMap.explainedClass ?? predicted
            panels.append(PanelFigure.Panel(image: heat, label: ["\(layerMap.layer) \(layerMap.method.title)",
                                                                 label(shownClass, explanation)]))
            reportMaps.append(AttentionReport.Map(method: layerMap.method, layer: layerMap.layer,
                                                  explainedLabel: layerMap.explainedClass.map { classNames[$0] },
                                                  mask: maskURL.lastPathComponent, heatMap: heatURL.lastPathComponent,
                                                  minimum: full.values.min() ?? 0, maximum: full.values.max() ?? 0,
                                                  normalisedMask: normalisedFiles?.mask.lastPathComponent,
                                                  normalisedHeatMap: normalisedFiles?.heat.lastPathComponent))
        }

        let report = AttentionReport(
            image: imagePath, width: image.width, height: image.height, model: modelName,
            predicted: .init(label: classNames[predicted], index: predicted, probability: explanation.probabilities[predicted]),
            labels: classNames, probabilities: explanation.probabilities,
            blocks: explanation.channelAttention.map { .init(block: $0.block, channelAttention: $0.values) },
            maps: reportMaps, overview: files.overview.lastPathComponent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try Data(encoder.encode(report)).writeAtomically(to: files.report)

        let title = "\(URL(fileURLWithPath: imagePath).lastPathComponent) · \(label(predicted, explanation))"
        let figure = PanelFigure(panels: panels, title: title,
                                 colourScale: explanation.maps.isEmpty ? nil : ColourScale(colourMap: colourMap, range: 0...1, textScale: 2))
        try figure.render().image.writePNG(to: files.overview.path)
        return report
    }

    /// "Sneaker 92.3%".
    private func label(_ index: Int, _ explanation: ImageExplanation) -> String {
        "\(classNames[index]) \(String(format: "%.1f", explanation.probabilities[index] * 100))%"
    }
}
