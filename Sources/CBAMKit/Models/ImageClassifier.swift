/// A network from images [N, C, S, S] (plain) to logits [N, classes].
public protocol ImageClassifier: Module {
    var configuration: ModelConfiguration { get }
    func forward(_ images: Tensor, _ mode: Mode) -> Tensor
    /// Fills every parameter's gradient from ∂L/∂logits; returns ∂L/∂images when asked.
    @discardableResult
    func backward(_ dLogits: Tensor, inputGradient: Bool) -> Tensor?
}

public extension ImageClassifier {
    var parameterCount: Int { parameters.reduce(0) { $0 + $1.parameter.value.count } }
    /// Multiply-adds × 2 of the convolutions and matrix products for one image.
    var forwardFLOPsPerImage: Int { configuration.forwardFLOPsPerImage }
}
