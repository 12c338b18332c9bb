import ImageCodecs

/// A row of images side by side, each with a few lines of label above it, under an
/// optional title, with an optional colour scale at the end: an input beside its
/// attention maps. Images are shown at one common size: small ones enlarged by a whole
/// factor with their pixels kept sharp, large ones shrunk smoothly.
public struct PanelFigure {
    public struct Panel {
        public var image: Image
        public var label: [String]

        public init(image: Image, label: [String]) {
            self.image = image
            self.label = label
        }
    }

    public var panels: [Panel]
    public var title: String?
    public var colourScale: ColourScale?
    public var textScale = 2
    /// The longer side of a shown image is brought into this range.
    public var displaySide = 192...384

    public init(panels: [Panel], title: String? = nil, colourScale: ColourScale? = nil) {
        precondition(!panels.isEmpty, "a figure needs at least one panel")
        self.panels = panels
        self.title = title
        self.colourScale = colourScale
    }

    /// The size at which an image of this size is shown.
    public func displaySize(width: Int, height: Int) -> (width: Int, height: Int) {
        let side = max(width, height)
        if side < displaySide.lowerBound {
            let factor = (displaySide.lowerBound + side - 1) / side
            return (width * factor, height * factor)
        }
        if side > displaySide.upperBound {
            let shrink = Double(displaySide.upperBound) / Double(side)
            return (max(Int(Double(width) * shrink), 1), max(Int(Double(height) * shrink), 1))
        }
        return (width, height)
    }

    public func render() -> Canvas {
        let s = textScale, margin = 6 * s, gap = 4 * s, lineHeight = BitmapFont.lineHeight * s
        let labelLines = panels.map(\.label.count).max() ?? 0
        let shown = panels.map { displaySize(width: $0.image.width, height: $0.image.height) }
        let columnWidths = zip(panels, shown).map { panel, size in
            max(size.width, panel.label.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0)
        }
        let imageTop = margin + (title != nil ? lineHeight + gap : 0) + labelLines * lineHeight
        let imagesHeight = shown.map(\.height).max()!
        let scaleWidth = colourScale.map { gap + $0.width } ?? 0
        let width = margin + columnWidths.reduce(0, +) + gap * (panels.count - 1) + scaleWidth + margin
        let titleWidth = 2 * margin + BitmapFont.width(of: title ?? "", scale: s)
        var canvas = Canvas(width: max(width, titleWidth), height: imageTop + imagesHeight + margin)

        if let title { canvas.drawText(title, x: margin, y: margin, scale: s) }
        var x = margin
        for ((panel, size), columnWidth) in zip(zip(panels, shown), columnWidths) {
            for (line, text) in panel.label.enumerated() {
                canvas.drawText(text, x: x, y: imageTop - (panel.label.count - line) * lineHeight, scale: s)
            }
            let smooth = max(panel.image.width, panel.image.height) > displaySide.upperBound
            canvas.draw(panel.image, x: x, y: imageTop, width: size.width, height: size.height, smooth: smooth)
            x += columnWidth + gap
        }
        colourScale?.draw(on: &canvas, x: x, y: imageTop, height: imagesHeight)
        return canvas
    }
}
