/// Grad-CAM (Selvaraju et al., ICCV 2017) on the last convolutional stage of a CNN:
///
///     α_k = mean over space of ∂y_c/∂A_k,   map = ReLU(Σ_k α_k A_k)
///
/// where A is the last stage's output and y_c the logit of the class explained. The map
/// is scaled so that its maximum is 1. (With a global-average-pool head α_k is the head's
/// weight W_ck / (h·w), so this equals CAM; the gradient route also serves other heads.)
public enum GradCAM {
    /// The stage Grad-CAM looks at, as its `state_dict` prefix.
    public static let layer = "layer3"

    /// Why Grad-CAM cannot explain `network`, or nil when it can.
    public static func unavailableReason(for network: ImageClassifier) -> String? {
        network is ResNetSmall ? nil : "Grad-CAM needs a convolutional network (plain, se or cbam)"
    }

    /// ∂y_c/∂A for each image's class `classes[i]`: plain [N, C, h, w]. Call after a forward
    /// in `.explaining` mode (the head's backward needs what that keeps).
    public static func classGradient(of network: ResNetSmall, classes: [Int]) -> Tensor {
        let logits = network.configuration.classes
        precondition(classes.count == network.features?.batch, "one class per image of the last forward")
        precondition(classes.allSatisfy { (0..<logits).contains($0) }, "class index out of range")
        let oneHot = Tensor.zeros([classes.count, logits])
        for (i, c) in classes.enumerated() { oneHot.data[i * logits + c] = 1 }
        return network.featuresGradient(oneHot).reordered(to: .plain)
    }

    /// One map per image, at the last stage's resolution, values 0…1, after a forward in
    /// `.explaining` mode; `classes[i]` is the class explained for image i.
    public static func maps(of network: ResNetSmall, classes: [Int]) -> [ScalarMap] {
        let gradient = classGradient(of: network, classes: classes)
        let features = network.features!.reordered(to: .plain)
        let (n, c, hw) = (features.batch, features.channels, features.spatial)
        return (0..<n).map { image in
            var map = [Float](repeating: 0, count: hw)
            for k in 0..<c {
                let offset = (image * c + k) * hw
                var alpha: Float = 0
                for p in 0..<hw { alpha += gradient.data[offset + p] }
                alpha /= Float(hw)
                for p in 0..<hw { map[p] += alpha * features.data[offset + p] }
            }
            return ScalarMap(width: features.width, height: features.height, values: map.map { max($0, 0) }).scaledToMaximum()
        }
    }
}
