/// Anything with parameters and state, named as PyTorch's `state_dict` names them,
/// so that a model file written here loads into the equivalent PyTorch module.
///
/// A leaf (Linear, Conv2d, BatchNorm2d, …) lists its own tensors. A composite lists
/// its children once, each beside its key, and its parameters and buffers follow
/// from theirs, in the order the children are listed:
///
///     var children: [(key: String, module: Module)] { [("fc1", fc1), ("fc2", fc2)] }
public protocol Module: AnyObject {
    /// Sub-modules under their `state_dict` names, in order ("" adds no prefix).
    var children: [(key: String, module: Module)] { get }
    /// Trainable parameters, keyed relative to this module ("weight", "conv1.weight", …).
    var parameters: [(key: String, parameter: Parameter)] { get }
    /// State that is saved but not trained (BatchNorm's running statistics).
    var buffers: [(key: String, tensor: Tensor)] { get }
}

public extension Module {
    var children: [(key: String, module: Module)] { [] }
    var parameters: [(key: String, parameter: Parameter)] { children.flatMap { scoped($0.key, $0.module.parameters) } }
    var buffers: [(key: String, tensor: Tensor)] { children.flatMap { scoped($0.key, $0.module.buffers) } }

    /// Parameters and buffers together: everything a model file holds.
    var state: [(key: String, tensor: Tensor)] {
        parameters.map { ($0.key, $0.parameter.value) } + buffers
    }
}

/// Prefixes child keys with the child's name ("bn1" + "weight" → "bn1.weight"); an
/// empty name leaves them as they are (a child whose tensors sit at its parent's level).
func scoped<T>(_ name: String, _ items: [(key: String, T)]) -> [(key: String, T)] {
    name.isEmpty ? items : items.map { ("\(name).\($0.key)", $0.1) }
}
