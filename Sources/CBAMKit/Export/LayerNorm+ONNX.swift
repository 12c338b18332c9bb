extension LayerNorm: ONNXExportable {
    /// LayerNormalization (opset 17) over the last axis.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        graph.node("LayerNormalization",
                   [input, graph.weight(onnxScope(scope, "weight"), weight.value), graph.weight(onnxScope(scope, "bias"), bias.value)],
                   name: scope, attributes: [ONNXAttribute.int("axis", -1), ONNXAttribute.float("epsilon", epsilon)])
    }
}
