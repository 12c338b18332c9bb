/// How much of a map's mass falls on a region, against the region's share of the image:
/// a ratio above 1 means the map is denser on the region than elsewhere (1: no
/// preference; the largest possible, when all mass is inside, is 1 / area share).
public struct AttentionMass: Equatable, Sendable, Codable {
    /// Σ map inside / Σ map.
    public var massShare: Double
    /// Pixels inside / all pixels.
    public var areaShare: Double

    public var ratio: Double { massShare / areaShare }

    /// The shares for one map and a region of the same size (`inside(x, y)`).
    public init(_ map: ScalarMap, inside: (_ x: Int, _ y: Int) -> Bool) {
        var total = 0.0, within = 0.0, pixels = 0
        for y in 0..<map.height {
            for x in 0..<map.width {
                let value = Double(max(map[x, y], 0))
                total += value
                if inside(x, y) { within += value; pixels += 1 }
            }
        }
        massShare = total > 0 ? within / total : 0
        areaShare = Double(pixels) / Double(map.width * map.height)
    }

    public init(massShare: Double, areaShare: Double) {
        self.massShare = massShare
        self.areaShare = areaShare
    }

    /// The mean shares over many images (the ratio of the means, so that images with
    /// tiny regions do not dominate).
    public static func mean(_ items: [AttentionMass]) -> AttentionMass {
        let n = Double(max(items.count, 1))
        return AttentionMass(massShare: items.map(\.massShare).reduce(0, +) / n,
                             areaShare: items.map(\.areaShare).reduce(0, +) / n)
    }
}
