import ImageCodecs

/// A map that one method gives for one image at one layer, at that layer's resolution.
public struct LayerMap {
    public let method: ExplanationMethod
    /// The `state_dict` name of the block or stage: "layer2.0", "layer3".
    public let layer: String
    public let map: ScalarMap
    /// The class the map explains, for class-specific methods (Grad-CAM); nil otherwise.
    public let explainedClass: Int?
}

/// Everything `cbam attention` reports for one image.
public struct ImageExplanation {
    public let probabilities: [Float]
    public let maps: [LayerMap]
    /// Mc of every CBAM block (whatever the methods), in block order.
    public let channelAttention: [(block: String, values: [Float])]

    public var predicted: Int { probabilities.indices.max { probabilities[$0] < probabilities[$1] }! }
}

/// Runs a trained model once per batch in `.explaining` mode and reads the chosen
/// methods' maps from that pass.
public struct Explainer {
    public let model: TrainedModel
    public let methods: [ExplanationMethod]
    /// The class that class-specific methods explain; each image's predicted class when nil.
    public let targetClass: Int?

    /// Fails with the reason when a method cannot explain this model.
    public init(model: TrainedModel, methods: [ExplanationMethod], targetClass: Int? = nil) throws {
        for method in methods {
            if let reason = method.unavailableReason(for: model.network) {
                throw ExplanationError.methodUnavailable(method, reason: reason,
                                                         available: ExplanationMethod.available(for: model.network))
            }
        }
        if let targetClass, !model.classNames.indices.contains(targetClass) {
            preconditionFailure("class \(targetClass) of \(model.classNames.count)")
        }
        self.model = model
        self.methods = methods
        self.targetClass = targetClass
    }

    /// Every layer's map name, in the order `explain` gives the maps.
    public var layers: [(method: ExplanationMethod, layer: String)] {
        methods.flatMap { method in method.layers(of: model.network).map { (method, $0) } }
    }

    /// Explanations of a batch of images of any size (each is fitted to the model's input).
    public func explain(_ images: [Image]) -> [ImageExplanation] {
        guard !images.isEmpty else { return [] }
        let network = model.network
        let logits = network.forward(model.preprocessing.batch(images), .explaining)
        let probabilities = TrainedModel.softmaxRows(logits)
        let attention = BlockAttention.read(from: network)
        let explained = probabilities.map { row in targetClass ?? row.indices.max { row[$0] < row[$1] }! }

        var maps = [[LayerMap]](repeating: [], count: images.count)
        for method in methods {
            switch method {
            case .spatial:
                for block in attention {
                    for i in images.indices {
                        maps[i].append(LayerMap(method: method, layer: block.block, map: block.spatial[i], explainedClass: nil))
                    }
                }
            case .gradcam:
                let cams = GradCAM.maps(of: network, classes: explained)
                let layer = network.gradCAMHook!.gradCAMLayer  // present: `init` checked every method applies
                for i in images.indices {
                    maps[i].append(LayerMap(method: method, layer: layer, map: cams[i], explainedClass: explained[i]))
                }
            case .rollout:
                // Scaled so each image's largest patch weight is 1, as Grad-CAM's.
                let rollout = network.rolloutHook!.attentionRollout()
                for i in images.indices {
                    maps[i].append(LayerMap(method: method, layer: "blocks", map: ScalarMap(rollout, image: i).scaledToMaximum(),
                                            explainedClass: nil))
                }
            }
        }
        return images.indices.map { i in
            ImageExplanation(probabilities: probabilities[i], maps: maps[i],
                             channelAttention: attention.map { ($0.block, $0.channel[i]) })
        }
    }
}

/// Why an explanation cannot be made.
public enum ExplanationError: Error, CustomStringConvertible, Equatable {
    case methodUnavailable(ExplanationMethod, reason: String, available: [ExplanationMethod])

    public var description: String {
        switch self {
        case let .methodUnavailable(method, reason, available):
            let others = available.isEmpty ? "no method applies to it"
                : "methods that apply: \(available.map(\.rawValue).joined(separator: ", "))"
            return "the \(method.rawValue) method does not apply: \(reason); \(others)"
        }
    }
}
