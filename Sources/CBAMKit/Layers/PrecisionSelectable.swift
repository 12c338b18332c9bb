import OneDNN

/// A layer whose convolutions or matrix products can run in mixed precision.
public protocol PrecisionSelectable: AnyObject {
    var precision: Precision { get set }
}

public extension Module {
    /// Runs every convolution and matrix product inside in `precision`. Parameters,
    /// gradients and everything else stay fp32, so a model file never changes.
    func use(_ precision: Precision) {
        (self as? PrecisionSelectable)?.precision = precision
        for child in children { child.module.use(precision) }
    }
}
