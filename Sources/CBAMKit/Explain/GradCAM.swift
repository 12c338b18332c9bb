/// Grad-CAM (Selvaraju et al., ICCV 2017) on the last convolutional stage of a CNN:
///
///     α_k = mean over space of ∂y_c/∂A_k,   map = ReLU(Σ_k α_k A_k)
///
/// where A is the output of the network's `gradCAMHook` layer and y_c the logit of the
/// class explained. The map is scaled so that its maximum is 1. (With a
/// global-average-pool head α_k is the head's weight W_ck / (h·w), so this equals CAM;
/// the gradient route also serves other heads.)
public enum GradCAM {
    /// Why Grad-CAM cannot explain `network`, or nil when it can.
    public static func unavailableReason(for network: ImageClassifier) -> String? {
        network.gradCAMHook == nil ? "Grad-CAM needs a convolutional network (plain, se or cbam)" : nil
    }

    /// ∂y_c/∂A for each image's class `classes[i]`: plain [N, C, h, w]. Call after a forward
    /// in `.explaining` mode (the head's backward needs what that keeps).
    public static func classGradient(of network: ImageClassifier, classes: [Int]) -> Tensor {
        let layer = hook(of: network)
        let logits = network.configuration.classes
        precondition(classes.count == layer.features?.batch, "one class per image of the last forward")
        precondition(classes.allSatisfy { (0..<logits).contains($0) }, "class index out of range")
        var oneHot = [Float](repeating: 0, count: classes.count * logits)
        for (i, c) in classes.enumerated() { oneHot[i * logits + c] = 1 }
        return layer.featuresGradient(Tensor(shape: [classes.count, logits], values: oneHot)).reordered(to: .plain)
    }

    /// One map per image, at the layer's resolution, values 0…1, after a forward in
    /// `.explaining` mode; `classes[i]` is the class explained for image i.
    public static func maps(of network: ImageClassifier, classes: [Int]) -> [ScalarMap] {
        let gradient = classGradient(of: network, classes: classes).scalars
        let features = hook(of: network).features!.reordered(to: .plain)
        let (n, c, hw) = (features.batch, features.channels, features.spatial)
        let activations = features.scalars
        return (0..<n).map { image in
            var map = [Float](repeating: 0, count: hw)
            for k in 0..<c {
                let offset = (image * c + k) * hw
                var alpha: Float = 0
                for p in 0..<hw { alpha += gradient[offset + p] }
                alpha /= Float(hw)
                for p in 0..<hw { map[p] += alpha * activations[offset + p] }
            }
            return ScalarMap(width: features.width, height: features.height, values: map.map { max($0, 0) }).scaledToMaximum()
        }
    }

    private static func hook(of network: ImageClassifier) -> GradCAMHook {
        guard let hook = network.gradCAMHook else { preconditionFailure(unavailableReason(for: network)!) }
        return hook
    }
}
