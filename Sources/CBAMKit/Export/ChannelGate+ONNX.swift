extension ChannelGate: ONNXExportable {
    /// Mc = sigmoid(MLP(avgpool(F)) + MLP(maxpool(F))), [N, C] from F [N, C, H, W]; both
    /// pooled vectors go through the same MLP weights.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let mlpScope = onnxScope(scope, "mlp")
        let pooled = [("GlobalAveragePool", "avg"), ("GlobalMaxPool", "max")].map { op, name in
            let pool = graph.node(op, [input], name: "\(scope).\(name)_pool")
            let vector = graph.node("Flatten", [pool], name: "\(scope).\(name)_pool.flat")
            return mlp.exportONNX(vector, to: graph, scope: mlpScope)
        }
        let sum = graph.node("Add", pooled, name: scope + ".sum")
        return graph.node("Sigmoid", [sum], name: scope + ".sigmoid")
    }
}
