extension BottleneckMLP: ONNXExportable {
    /// expand(relu(reduce(x))) on [N, C].
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let hidden = reduce.exportONNX(input, to: graph, scope: onnxScope(scope, keys.reduce))
        let activated = graph.node("Relu", [hidden], name: onnxScope(scope, keys.reduce) + ".relu")
        return expand.exportONNX(activated, to: graph, scope: onnxScope(scope, keys.expand))
    }
}
