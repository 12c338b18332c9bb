extension SqueezeExcitation: ONNXResidualEnding {
    /// s = sigmoid(MLP(avgpool(F))), out = relu(F ⊙ s + shortcut).
    public func exportONNX(features: String, shortcut: String, to graph: ONNXGraph, scope: String) -> String {
        let pooled = graph.node("GlobalAveragePool", [features], name: scope + ".avg_pool")
        let vector = graph.node("Flatten", [pooled], name: scope + ".avg_pool.flat")
        let s = graph.node("Sigmoid", [mlp.exportONNX(vector, to: graph, scope: onnxScope(scope, "fc"))], name: scope + ".sigmoid")
        let perChannel = graph.node("Reshape", [s, graph.integers(scope + ".s_shape", [0, -1, 1, 1])], name: scope + ".s_nchw")
        let gated = graph.node("Mul", [features, perChannel], name: scope + ".gated")
        return residualReLU(gated, shortcut: shortcut, to: graph, scope: scope)
    }
}
