/// A network from images [N, C, S, S] (plain) to logits [N, classes]. Each concrete
/// network is also a `Layer`, whose `backward(_:)` returns ∂L/∂images.
///
/// Explanations read a network only through the last three requirements, each an
/// optional capability: empty or nil for a network that lacks it.
public protocol ImageClassifier: Module {
    var configuration: ModelConfiguration { get }
    func forward(_ images: Tensor, _ mode: Mode) -> Tensor
    /// Fills every parameter's gradient from ∂L/∂logits; returns ∂L/∂images when asked.
    /// Calls `finished` with each part (a child module) as soon as its parameters'
    /// gradients are final, so that data-parallel training can start summing them.
    @discardableResult
    func backward(_ dLogits: Tensor, inputGradient: Bool, finished: (Module) -> Void) -> Tensor?
    /// Every block that ends in attention, in order, under the block's `state_dict`
    /// name ("layer1.0", …); empty for a network without (plain, ViT).
    var attentionBlocks: [(key: String, attention: any ResidualAttention)] { get }
    /// The convolutional layer Grad-CAM explains; nil for a network without one (ViT).
    var gradCAMHook: GradCAMHook? { get }
    /// The self-attention attention rollout reads; nil for a network without (the CNNs).
    var rolloutHook: AttentionRolloutHook? { get }
    /// Fine-tuning: the first `frozenStages` of `configuration.stageNames` run as in
    /// inference (BatchNorm's running statistics, which stay as they are; nothing kept),
    /// and backward stops before them, so their weights keep their values.
    var frozenStages: Int { get set }
    /// The state_dict key prefixes of each stage, in `configuration.stageNames`' order.
    var stageKeys: [[String]] { get }
}

public extension ImageClassifier {
    @discardableResult
    func backward(_ dLogits: Tensor, inputGradient: Bool) -> Tensor? {
        backward(dLogits, inputGradient: inputGradient, finished: { _ in })
    }

    var parameterCount: Int { parameters.reduce(0) { $0 + $1.parameter.value.count } }
    /// Multiply-adds × 2 of the convolutions and matrix products for one image.
    var forwardFLOPsPerImage: Int { configuration.forwardFLOPsPerImage }

    var attentionBlocks: [(key: String, attention: any ResidualAttention)] { [] }
    var gradCAMHook: GradCAMHook? { nil }
    var rolloutHook: AttentionRolloutHook? { nil }

    /// The parameters that train: all but the frozen stages'.
    var trainableParameters: [(key: String, parameter: Parameter)] {
        parameters(outside: stageKeys.prefix(frozenStages).flatMap { $0 })
    }

    /// The mode stage `k` runs in: a frozen stage trains as it classifies.
    func mode(ofStage k: Int, _ mode: Mode) -> Mode {
        k < frozenStages && mode == .training ? .inference : mode
    }
}
