extension SpatialGate: ONNXExportable {
    /// Ms = sigmoid(BN(conv7×7(pooled))), [N, 1, H, W] from the channel-pooled maps
    /// [N, 2, H, W], with the BN folded into the conv.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let normalized = conv.exportONNX(input, foldingIn: norm, to: graph, scope: onnxScope(scope, "spatial.conv"),
                                         normScope: onnxScope(scope, "spatial.bn"))
        return graph.node("Sigmoid", [normalized], name: scope + ".sigmoid")
    }
}
