import XCTest
import CBAMKit

/// Issue 13's training controls: balanced sampling, early stopping, a resumed run
/// extended to more epochs, and the time-left estimate.
final class TrainingScheduleChangesTests: XCTestCase {
    private func options(epochs: Int) -> TrainingOptions {
        var model = ModelConfiguration(kind: .plain, channels: 1, imageSize: 8, classes: 3)
        model.width = 4
        return TrainingOptions.defaults(for: model, epochs: epochs)
    }

    func testBalancedSamplingDrawsEveryClassAlikeAndFollowsSeedAndEpoch() throws {
        let data = try SyntheticImageFolder(perClass: 4)
        defer { data.remove() }
        let split = try DataSplit(root: data.root.path, validationShare: 0, seed: 0)
        // Make class 0 ten times as common as the others by repeating its files.
        let files = split.training.flatMap { Array(repeating: $0, count: $0.label == 0 ? 10 : 1) }
        let set = ImageSet.load(files, imageSize: 8, channels: 1, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        let preprocessing = Preprocessing(channels: 1, imageSize: 8, mean: [0.5], std: [0.25])
        var seen = [0, 0, 0]
        for epoch in 0..<20 {
            let batches = Batches.training(set, preprocessing: preprocessing, batchSize: 8, augmentation: .standard(imageSize: 8, flip: true),
                                           seed: 3, epoch: epoch, balanced: true)
            for b in 0..<batches.count { for label in try batches.batch(b).labels { seen[label] += 1 } }
        }
        let total = Double(seen.reduce(0, +))
        for count in seen { XCTAssertEqual(Double(count) / total, 1.0 / 3, accuracy: 0.05, "\(seen)") }
        func labels(epoch: Int) throws -> [Int] {
            try Batches.training(set, preprocessing: preprocessing, batchSize: 8, augmentation: .standard(imageSize: 8, flip: true),
                                 seed: 3, epoch: epoch, balanced: true).batch(1).labels
        }
        XCTAssertEqual(try labels(epoch: 2), try labels(epoch: 2), "a resumed run sees the same batches")
        XCTAssertNotEqual(try labels(epoch: 2) + labels(epoch: 3), try labels(epoch: 4) + labels(epoch: 5))
    }

    func testPatienceStopsAfterEpochsWithoutABetterValidationAccuracy() {
        var state = TrainingState(options: options(epochs: 10))
        state.options.patience = 2
        state.history = []
        state.bestValidationAccuracy = 0.8
        state.bestEpoch = 3   // epoch 4 was the best
        state.epoch = 5       // epochs 5 then… finished
        XCTAssertEqual(state.epochsWithoutImprovement, 1)
        XCTAssertFalse(state.isFinished)
        state.epoch = 6
        XCTAssertTrue(state.stoppedEarly)
        XCTAssertTrue(state.isFinished)
        state.options.patience = 3   // a resumed run given more patience goes on
        XCTAssertFalse(state.isFinished)
        state.options.patience = nil
        XCTAssertFalse(state.stoppedEarly)
        state.bestValidationAccuracy = -1   // no validation set: never stops early
        state.options.patience = 1
        XCTAssertFalse(state.stoppedEarly)
    }

    func testExtendingARunReplansTheCosineToTheNewEnd() throws {
        var state = TrainingState(options: options(epochs: 4))
        state.epoch = 4
        state.step = 40
        let old = state.options.schedule(stepsPerEpoch: 10)
        XCTAssertEqual(old.learningRate(atStep: 40), 0, accuracy: 1e-7, "a finished run has reached 0")
        try state.extend(toEpochs: 8)
        XCTAssertFalse(state.isFinished)
        let new = state.options.schedule(stepsPerEpoch: 10)
        XCTAssertEqual(new, .cosine(base: 0.1, warmupSteps: 10, totalSteps: 80))
        XCTAssertEqual(new.learningRate(atStep: 40), 0.1 * Float(0.5 * (1 + cos(Double.pi * 30 / 70))), accuracy: 1e-6)
        XCTAssertThrowsError(try state.extend(toEpochs: 3)) { error in
            XCTAssertEqual((error as? TrainingOptions.Invalid)?.option, "--epochs")
        }
    }

    func testTheTimeLeftSkipsTheFirstBatches() {
        var remaining = RemainingTime()
        XCTAssertNil(remaining.seconds(forBatches: 10))
        // Three slow batches (primitives built), then one a second.
        for time in [10.0, 15.0, 20.0, 21.0, 22.0, 23.0] { remaining.batchFinished(at: time) }
        XCTAssertEqual(remaining.secondsPerBatch, 1)
        XCTAssertEqual(remaining.seconds(forBatches: 10, extraSeconds: 2), 12)
    }
}
