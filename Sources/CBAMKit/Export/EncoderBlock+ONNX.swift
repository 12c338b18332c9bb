extension EncoderBlock: ONNXExportable {
    /// x + attn(norm1(x)), then + mlp(norm2(·)), on every token. (cbam's own forward
    /// computes only the class token in the last block; the graph keeps every token,
    /// which gives that token the same value.)
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let attended = attn.exportONNX(norm1.exportONNX(input, to: graph, scope: onnxScope(scope, "norm1")), to: graph,
                                       scope: onnxScope(scope, "attn"))
        let middle = graph.node("Add", [input, attended], name: scope + ".attn_residual")
        let transformed = mlp.exportONNX(norm2.exportONNX(middle, to: graph, scope: onnxScope(scope, "norm2")), to: graph,
                                         scope: onnxScope(scope, "mlp"))
        return graph.node("Add", [middle, transformed], name: scope + ".mlp_residual")
    }
}
