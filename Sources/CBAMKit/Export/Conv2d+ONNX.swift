import ONNXSchema

extension Conv2d: ONNXExportable {
    /// Conv, with the layer's own weights and bias.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let weights = graph.weight(onnxScope(scope, "weight"), weight.value)
        let biases = bias.map { [graph.weight(onnxScope(scope, "bias"), $0.value)] } ?? []
        return convolution(input, inputs: [weights] + biases, to: graph, name: scope)
    }

    /// Conv with the BatchNorm after it folded in (`WeightFolding`, as inference runs
    /// it), then Relu when that BatchNorm has its ReLU fused. The weights are named
    /// after the convolution: they are its weights, scaled.
    func exportONNX(_ input: String, foldingIn norm: BatchNorm2d, to graph: ONNXGraph, scope: String, normScope: String) -> String {
        let (scale, shift) = norm.inferenceAffine
        let folded = WeightFolding.fold(weights: weight.value, bias: bias?.value, scale: scale, shift: shift)
        let weights = graph.weight(onnxScope(scope, "weight"), folded.weights)
        let biases = graph.weight(onnxScope(scope, "bias"), folded.bias)
        let output = convolution(input, inputs: [weights, biases], to: graph, name: normScope)
        return norm.fusedReLU ? graph.node("Relu", [output], name: normScope + ".relu") : output
    }

    private func convolution(_ input: String, inputs: [String], to graph: ONNXGraph, name: String) -> String {
        graph.node("Conv", [input] + inputs, name: name, attributes: ONNXAttribute.window(kernel: kernel, stride: stride, padding: padding))
    }
}
