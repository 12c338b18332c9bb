extension TokenEmbedding: ONNXExportable {
    /// Patches [N, d, gh, gw] → tokens [N, 1 + gh·gw, d]: the grid flattened row-major
    /// and transposed to one token per patch, the class token (expanded to the batch,
    /// whose size is read from the input) in front, plus the position embeddings.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let flat = graph.node("Reshape", [input, graph.integers(onnxScope(scope, "grid_shape"), [0, 0, -1])], name: onnxScope(scope, "patches"))
        let patches = graph.node("Transpose", [flat], name: onnxScope(scope, "patch_tokens"), attributes: [ONNXAttribute.ints("perm", [0, 2, 1])])
        let batch = graph.node("Slice", [graph.node("Shape", [input], name: onnxScope(scope, "input_shape")),
                                         graph.integers(onnxScope(scope, "batch_start"), [0]), graph.integers(onnxScope(scope, "batch_end"), [1])],
                               name: onnxScope(scope, "batch"))
        let classShape = graph.node("Concat", [batch, graph.integers(onnxScope(scope, "class_token_dims"), [1, dimension])],
                                    name: onnxScope(scope, "class_token_shape"), attributes: [ONNXAttribute.int("axis", 0)])
        let classTokens = graph.node("Expand", [graph.weight(onnxScope(scope, "cls_token"), classToken.value), classShape],
                                     name: onnxScope(scope, "class_tokens"))
        let sequence = graph.node("Concat", [classTokens, patches], name: onnxScope(scope, "tokens"), attributes: [ONNXAttribute.int("axis", 1)])
        return graph.node("Add", [sequence, graph.weight(onnxScope(scope, "pos_embed"), positions.value)], name: onnxScope(scope, "positioned"))
    }
}
