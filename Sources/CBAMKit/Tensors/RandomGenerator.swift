import Foundation

/// A small, seedable generator (xoshiro256**), so that weights, splits and
/// augmentation are the same for the same seed on every machine.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        // SplitMix64 spreads a small seed over the whole state.
        var x = seed
        func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * (1.0 / Double(1 << 53)), .leastNonzeroMagnitude)
        let u2 = Double(next() >> 11) * (1.0 / Double(1 << 53))
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}
