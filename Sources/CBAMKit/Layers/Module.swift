/// Anything with parameters and state, named as PyTorch's `state_dict` names them,
/// so that a model file written here loads into the equivalent PyTorch module.
public protocol Module: AnyObject {
    /// Trainable parameters, keyed relative to this module ("weight", "conv1.weight", …).
    var parameters: [(key: String, parameter: Parameter)] { get }
    /// State that is saved but not trained (BatchNorm's running statistics).
    var buffers: [(key: String, tensor: Tensor)] { get }
}

public extension Module {
    var buffers: [(key: String, tensor: Tensor)] { [] }

    /// Parameters and buffers together: everything a model file holds.
    var state: [(key: String, tensor: Tensor)] {
        parameters.map { ($0.key, $0.parameter.value) } + buffers
    }
}

/// Prefixes child keys with the child's name: `scoped("bn1", bn1.parameters)`.
func scoped<T>(_ name: String, _ items: [(key: String, T)]) -> [(key: String, T)] {
    items.map { ("\(name).\($0.key)", $0.1) }
}

/// How a forward pass runs.
public enum Mode: Sendable {
    /// Batch statistics in BatchNorm (updating the running ones); keeps what backward needs.
    case training
    /// Running statistics; keeps nothing. For classifying.
    case inference
    /// Running statistics, and keeps what backward needs: gradients of a trained,
    /// frozen model (Grad-CAM, input gradients).
    case explaining

    public var usesBatchStatistics: Bool { self == .training }
    public var keepsActivations: Bool { self != .inference }
}
