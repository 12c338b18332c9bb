import CBAMKit
import XCTest

final class ScheduleTests: XCTestCase {
    private func rates(_ schedule: LearningRateSchedule, _ steps: [Int]) -> [Float] {
        steps.map { schedule.learningRate(atStep: $0) }
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a, e, accuracy: 1e-7, "\(actual) vs \(expected)", file: file, line: line)
        }
    }

    func testCosineWithWarmUp() {
        // Warm-up over 4 steps: 0.1·(step+1)/4. Then 8 decay steps (4…12):
        // progress 0, ¼, ½, ¾, 1 → 0.1·½(1 + cos πp) = 0.1, 0.0853553, 0.05, 0.0146447, 0.
        let schedule = LearningRateSchedule.cosine(base: 0.1, warmupSteps: 4, totalSteps: 12)
        assertClose(rates(schedule, [0, 1, 2, 3]), [0.025, 0.05, 0.075, 0.1])
        assertClose(rates(schedule, [4, 6, 8, 10, 12, 50]), [0.1, 0.085355339, 0.05, 0.014644661, 0, 0])
    }

    func testCosineDownToAMinimum() {
        // min + (base − min)·½(1 + cos πp) with base 1, min 0.1, no warm-up, 10 steps.
        let schedule = LearningRateSchedule.cosine(base: 1, warmupSteps: 0, totalSteps: 10, minimum: 0.1)
        assertClose(rates(schedule, [0, 5, 10, 11]), [1, 0.55, 0.1, 0.1])
    }

    func testStepDecay() {
        // ×0.1 every 30 steps (e.g. every 3 epochs of 10 batches).
        let schedule = LearningRateSchedule.stepDecay(base: 0.1, gamma: 0.1, stepsPerDecay: 30)
        assertClose(rates(schedule, [0, 29, 30, 59, 60, 90]), [0.1, 0.1, 0.01, 0.01, 0.001, 0.0001])
    }

    func testConstant() {
        assertClose(rates(.constant(3e-4), [0, 1000]), [3e-4, 3e-4])
    }
}
