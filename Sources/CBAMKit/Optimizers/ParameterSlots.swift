/// The tensors an optimiser keeps per parameter between steps (SGD's momentum buffer;
/// AdamW's two moment estimates), each the parameter's shape, created at the
/// parameter's first step. Named in `state` as "<slot>.<parameter key>", after
/// PyTorch's optimizer state entries ("momentum_buffer", "exp_avg", "exp_avg_sq").
struct ParameterSlots {
    let slotNames: [String]
    private var byParameter: [String: [Tensor]] = [:]

    init(_ slotNames: [String]) { self.slotNames = slotNames }

    /// The parameter's slot tensors (one per slot name), and whether they were just
    /// created as zeros: optimisers start some state from the first gradient instead.
    mutating func tensors(for key: String, shape: [Int]) -> (tensors: [Tensor], isNew: Bool) {
        if let existing = byParameter[key] {
            precondition(existing[0].shape == shape,
                         "optimizer state for '\(key)' has shape \(existing[0].shape), the parameter \(shape)")
            return (existing, false)
        }
        let created = slotNames.map { _ in Tensor.zeros(shape) }
        byParameter[key] = created
        return (created, true)
    }

    var state: [(key: String, tensor: Tensor)] {
        byParameter.keys.sorted().flatMap { key in
            zip(slotNames, byParameter[key]!).map { slot, tensor in (key: "\(slot).\(key)", tensor: tensor) }
        }
    }

    /// Replaces every slot with copies from `state`; each parameter needs all its slots.
    mutating func load(_ state: [String: Tensor]) throws {
        var loaded: [String: [String: Tensor]] = [:]  // parameter key → slot → tensor
        for (name, tensor) in state.sorted(by: { $0.key < $1.key }) {  // sorted: the same error every time
            guard let dot = name.firstIndex(of: "."), slotNames.contains(String(name[..<dot])) else {
                throw OptimizerStateError("'\(name)' is not one of this optimizer's entries (\(slotNames.joined(separator: ", ")))")
            }
            loaded[String(name[name.index(after: dot)...]), default: [:]][String(name[..<dot])] = tensor.copy()
        }
        var byParameter: [String: [Tensor]] = [:]
        for (key, slots) in loaded {
            let tensors = slotNames.compactMap { slots[$0] }
            guard tensors.count == slotNames.count else {
                throw OptimizerStateError("'\(key)' has only some of \(slotNames.joined(separator: ", "))")
            }
            byParameter[key] = tensors
        }
        self.byParameter = byParameter
    }
}
