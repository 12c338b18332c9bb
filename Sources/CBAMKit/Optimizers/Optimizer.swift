/// Updates parameters from their gradients, one step per batch.
///
/// The training loop sets `learningRate` from its schedule before each `step`. An
/// optimiser's `state` (momentum, moment estimates, step count) is plain named
/// tensors, so a checkpoint can hold it next to the model and `load(state:)` resumes
/// the run exactly where it stopped.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }

    /// Updates every parameter's `value` from its `gradient`. The keys name the
    /// per-parameter state, so pass the same keys every step (the Module's).
    func step(_ parameters: [(key: String, parameter: Parameter)])

    /// Everything needed to resume, keyed "<slot>.<parameter key>" (plus "step" for
    /// optimisers that count steps).
    var state: [(key: String, tensor: Tensor)] { get }

    /// Replaces the state with a copy of `state` (as `state` gave it).
    func load(state: [String: Tensor]) throws
}

/// Optimiser state that does not fit the optimiser (another optimiser's, or damaged).
public struct OptimizerStateError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "optimizer state: \(reason)" }
}
