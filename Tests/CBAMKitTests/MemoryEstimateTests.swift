import XCTest
import CBAMKit

/// Before training, the estimated peak memory is checked against the memory available
/// now; a batch that does not fit is refused with the estimate and the largest batch that does.
final class MemoryEstimateTests: XCTestCase {
    func testABatchThatCannotFitIsRefusedWithTheLargestThatDoes() throws {
        var options = TrainingOptions.defaults(for: ModelConfiguration(kind: .cbam, resnet: .resnet101, imageSize: 224, classes: 1000))
        options.batchSize = 65_536
        XCTAssertThrowsError(try options.validate()) { error in
            guard let invalid = error as? TrainingOptions.Invalid else { return XCTFail("\(error)") }
            XCTAssertEqual(invalid.option, "--batch-size")
            XCTAssertTrue(invalid.reason.contains("estimated peak"), invalid.reason)
            // The batch it names fits the memory available (give or take what changed since).
            let named = invalid.reason.components(separatedBy: "the largest batch that fits is about ").last.flatMap { Int($0) }
            XCTAssertNotNil(named, invalid.reason)
            if let named {
                XCTAssertLessThanOrEqual(options.estimatedPeakBytes(batchSize: named), AvailableMemory.bytes * 1.05)
                XCTAssertGreaterThan(options.estimatedPeakBytes(batchSize: named + 1), AvailableMemory.bytes * 0.95)
            }
        }
    }

    func testTheEstimateGrowsWithTheBatchAndCountsTheWeightsOnce() {
        let options = TrainingOptions.defaults(for: ModelConfiguration(kind: .cbam, resnet: .resnet18, imageSize: 224, classes: 10))
        let fixed = options.estimatedPeakBytes(batchSize: 0)
        XCTAssertEqual(fixed, Double(options.model.parameterCount) * 16, "value, gradient and two optimiser slots")
        let perImage = options.estimatedPeakBytes(batchSize: 1) - fixed
        XCTAssertEqual(options.estimatedPeakBytes(batchSize: 32), fixed + 32 * perImage, accuracy: 1)
        XCTAssertEqual(options.largestBatch(within: fixed + 10.5 * perImage), 10)
        XCTAssertEqual(options.largestBatch(within: fixed / 2), 0)
    }

    func testMemAvailableIsReadFromMeminfo() {
        XCTAssertEqual(AvailableMemory.memAvailable(meminfo: "MemTotal:       24000000 kB\nMemAvailable:   20000000 kB\n"),
                       20_000_000 * 1024)
        XCTAssertNil(AvailableMemory.memAvailable(meminfo: "MemTotal: 1 kB\n"))
        XCTAssertGreaterThan(AvailableMemory.bytes, 0)
    }
}
