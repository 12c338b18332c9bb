/// A per-output-channel affine map y = scale·z + shift (an inference BatchNorm) folded
/// into the convolution z = W ⊛ x + b before it (see `Conv2d.forward(_:foldingIn:)`):
///
///     W′[o] = scale[o]·W[o],   b′[o] = scale[o]·b[o] + shift[o]
enum WeightFolding {
    static func fold(weights: Tensor, bias: Tensor?, scale: [Float], shift: [Float]) -> (weights: Tensor, bias: Tensor) {
        let outputs = weights.shape[0], perOutput = weights.count / outputs
        let foldedWeights = Tensor(shape: weights.shape), foldedBias = Tensor(shape: [outputs])
        for o in 0..<outputs {
            for i in 0..<perOutput { foldedWeights.data[o * perOutput + i] = weights.data[o * perOutput + i] * scale[o] }
            foldedBias.data[o] = (bias?.data[o] ?? 0) * scale[o] + shift[o]
        }
        return (foldedWeights, foldedBias)
    }
}
