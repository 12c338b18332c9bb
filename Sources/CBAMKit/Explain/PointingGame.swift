/// The pointing game (Zhang et al., "Top-down Neural Attention by Excitation Backprop",
/// ECCV 2016): a map hits when its strongest point lies in the region. Scored here at the
/// resolution the map is given in, without the paper's 15-pixel tolerance.
public enum PointingGame {
    /// 1 when the map's maximum lies inside the region, 0 when outside. When several
    /// pixels share the maximum, the share of them inside: what a random pick among them
    /// scores on average, so a flat map scores the region's area share, not a hit or a
    /// miss decided by scan order.
    public static func hit(_ map: ScalarMap, inside: (_ x: Int, _ y: Int) -> Bool) -> Double {
        let top = map.values.max()!
        var maxima = 0, within = 0
        for (i, value) in map.values.enumerated() where value == top {
            maxima += 1
            if inside(i % map.width, i / map.width) { within += 1 }
        }
        return Double(within) / Double(maxima)
    }
}
