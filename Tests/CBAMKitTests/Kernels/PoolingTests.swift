import XCTest
@testable import CBAMKit

/// `Pooling.overChannels` (CBAM's spatial-gate input) against a scalar reference: per
/// pixel the maximum and mean over the scaled channels and the first channel holding
/// the maximum, on 16-pixel groups and the tail, with a partial channel block and many
/// ties (values from a handful of levels).
final class PoolingTests: XCTestCase {
    func testPoolingOverChannelsMatchesAScalarReferenceWithTies() {
        let (n, c, h, w) = (3, 20, 5, 7)
        let values = (0..<(n * c * h * w)).map { Float(($0 * 7919) % 5) - 2 }
        let scaleValues = (0..<(n * c)).map { $0 % 3 == 0 ? Float(1) : Float(0.5) }
        let x = Tensor(shape: [n, c, h, w], values: values).reordered(to: .blocked)
        let scale = Tensor(shape: [n, c], values: scaleValues)
        for locating in [true, false] {
            let (pooled, argmax) = Pooling.overChannels(x, scale: scale, locatingMaxima: locating)
            for image in 0..<n {
                for p in 0..<(h * w) {
                    let scaled = (0..<c).map { values[(image * c + $0) * h * w + p] * scaleValues[image * c + $0] }
                    let maximum = scaled.max()!
                    XCTAssertEqual(pooled.data[image * 2 * h * w + p], maximum, "max, image \(image) pixel \(p)")
                    XCTAssertEqual(pooled.data[(image * 2 + 1) * h * w + p], scaled.reduce(0, +) / Float(c), accuracy: 1e-6,
                                   "mean, image \(image) pixel \(p)")
                    if locating {
                        XCTAssertEqual(Int(argmax[image * h * w + p]), scaled.firstIndex(of: maximum)!, "argmax, image \(image) pixel \(p)")
                    }
                }
            }
        }
    }

    /// The BatchNorm that writes a block's F pools it on the way (`forwardPooling`): the
    /// same output as its forward, and the same pooling, bit for bit, as pooling that
    /// output afterwards, the first of tied maxima located; a partial channel block; ties.
    func testBatchNormPoolsItsOutputAsPoolingItAfterwardsWould() {
        let (n, c, h, w) = (3, 20, 5, 7)
        let values = (0..<(n * c * h * w)).map { Float(($0 * 7919) % 5) - 2 }
        let x = Tensor(shape: [n, c, h, w], values: values).reordered(to: .blocked)
        for (mode, relu) in [(Mode.training, false), (.explaining, true), (.training, true)] {
            let (plain, pooling) = (BatchNorm2d(c, fusedReLU: relu), BatchNorm2d(c, fusedReLU: relu))
            let expected = plain.forward(x, mode)
            let (output, pooled) = pooling.forwardPooling(x, mode)
            XCTAssertEqual(output.scalars, expected.scalars)
            let reference = Pooling.overSpace(expected, locatingMaxima: mode.keepsActivations)
            XCTAssertEqual(pooled.average.scalars, reference.average.scalars, "\(mode)")
            XCTAssertEqual(pooled.maximum.scalars, reference.maximum.scalars, "\(mode)")
            XCTAssertEqual(pooled.argmax, reference.argmax, "\(mode)")
            XCTAssertEqual(pooled.argmax.count, n * c)
        }
    }
}
