extension TransformerMLP: ONNXExportable {
    /// fc2(GELU(fc1(x))).
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let hidden = fc1.exportONNX(input, to: graph, scope: onnxScope(scope, "fc1"))
        let activated = activation.exportONNX(hidden, to: graph, scope: onnxScope(scope, "gelu"))
        return fc2.exportONNX(activated, to: graph, scope: onnxScope(scope, "fc2"))
    }
}
