@testable import CBAMKit
import XCTest

/// `cbam bench --against`: two networks timed in alternating rounds, their speed ratio
/// the first's over the second's.
final class PairedBenchmarkTests: XCTestCase {
    private func benchmark(_ kind: ModelConfiguration.Kind, imageSize: Int) -> NetworkBenchmark {
        var configuration = ModelConfiguration(kind: kind, imageSize: imageSize)
        configuration.width = 4
        var benchmark = NetworkBenchmark(options: TrainingOptions.defaults(for: configuration, epochs: 1))
        benchmark.options.batchSize = 8
        benchmark.inferenceBatch = 8
        return benchmark
    }

    /// The first network has 9× the pixels of the second: it is the slower, and the
    /// ratio says so in the direction the table prints (first / second).
    func testTheRatioIsTheFirstNetworksSpeedOverTheSeconds() {
        var paired = PairedBenchmark(benchmark(.cbam, imageSize: 24), benchmark(.plain, imageSize: 8))
        paired.rounds = 3
        let result = paired.run()
        XCTAssertEqual(result.first.model, "cbam")
        XCTAssertEqual(result.second.model, "plain")
        XCTAssertEqual(result.rounds, 3)
        for (ratio, first, second) in [(result.trainingRatio, result.first.trainImagesPerSecond, result.second.trainImagesPerSecond),
                                       (result.inferenceRatio, result.first.inferImagesPerSecond, result.second.inferImagesPerSecond)] {
            XCTAssertTrue(first > 0 && second > 0)
            XCTAssertLessThan(ratio, 1, "9× the pixels cannot be faster")
            // The median of the rounds' ratios and the ratio of the medians tell the same story.
            XCTAssertEqual(log(ratio), log(first / second), accuracy: log(2.0))
        }
    }
}
