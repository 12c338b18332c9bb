extension NoAttention: ONNXResidualEnding {
    /// relu(F + shortcut).
    public func exportONNX(features: String, shortcut: String, to graph: ONNXGraph, scope: String) -> String {
        residualReLU(features, shortcut: shortcut, to: graph, scope: scope)
    }
}
