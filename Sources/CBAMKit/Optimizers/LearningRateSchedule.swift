import Foundation

/// The learning rate as a pure function of the step (0-based, counted in batches),
/// so a resumed run picks up the same curve from its step count alone.
/// Schedules by epoch pass steps: `stepsPerDecay: epochs × batchesPerEpoch`.
public enum LearningRateSchedule: Equatable, Sendable, Codable {
    case constant(Float)
    /// Linear warm-up to `base` over `warmupSteps` (base·(step+1)/warmupSteps), then
    /// a half cosine from `base` down to `minimum` at `totalSteps`, and `minimum` after.
    case cosine(base: Float, warmupSteps: Int, totalSteps: Int, minimum: Float = 0)
    /// `base`, multiplied by `gamma` every `stepsPerDecay` steps.
    case stepDecay(base: Float, gamma: Float, stepsPerDecay: Int)

    public func learningRate(atStep step: Int) -> Float {
        switch self {
        case .constant(let rate):
            return rate
        case let .cosine(base, warmupSteps, totalSteps, minimum):
            if step < warmupSteps { return base * Float(step + 1) / Float(warmupSteps) }
            let decaySteps = max(totalSteps - warmupSteps, 1)
            let progress = min(Double(step - warmupSteps) / Double(decaySteps), 1)
            return minimum + (base - minimum) * Float(0.5 * (1 + cos(Double.pi * progress)))
        case let .stepDecay(base, gamma, stepsPerDecay):
            precondition(stepsPerDecay > 0, "step decay needs a positive number of steps between decays")
            return base * pow(gamma, Float(step / stepsPerDecay))
        }
    }
}
