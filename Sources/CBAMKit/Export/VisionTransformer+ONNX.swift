extension VisionTransformer: ONNXExportable {
    /// Images [N, C, S, S] → logits [N, classes]: the patch convolution, the tokens,
    /// every encoder block, then the final norm and the head on the class token.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let patches = patchEmbedding.exportONNX(input, to: graph, scope: onnxScope(scope, "patch_embed.proj"))
        var x = tokens.exportONNX(patches, to: graph, scope: scope)
        for (index, block) in blocks.enumerated() { x = block.exportONNX(x, to: graph, scope: onnxScope(scope, "blocks.\(index)")) }
        let classToken = graph.node("Gather", [x, graph.integers(onnxScope(scope, "class_token_index"), [0], shape: [])],
                                    name: onnxScope(scope, "class_token"), attributes: [ONNXAttribute.int("axis", 1)])
        let normalized = norm.exportONNX(classToken, to: graph, scope: onnxScope(scope, "norm"))
        return head.exportONNX(normalized, to: graph, scope: onnxScope(scope, "head"))
    }
}
