extension ResNet: ONNXExportable {
    /// Images [N, C, S, S] → logits [N, classes]: the stem (conv1 with bn1 folded, ReLU,
    /// the official ResNets' max-pool), every block, global average pooling and `fc`.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        var x = conv1.exportONNX(input, foldingIn: bn1, to: graph, scope: onnxScope(scope, "conv1"), normScope: onnxScope(scope, "bn1"))
        if let maxpool { x = maxpool.exportONNX(x, to: graph, scope: onnxScope(scope, "maxpool")) }
        for (key, block) in blocks { x = block.exportONNX(x, to: graph, scope: onnxScope(scope, key)) }
        let pooled = graph.node("GlobalAveragePool", [x], name: onnxScope(scope, "avgpool"))
        let features = graph.node("Flatten", [pooled], name: onnxScope(scope, "avgpool.flat"))
        return fc.exportONNX(features, to: graph, scope: onnxScope(scope, "fc"))
    }
}
