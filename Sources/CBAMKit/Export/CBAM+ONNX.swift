extension CBAM: ONNXResidualEnding {
    /// F′ = F ⊙ Mc, pooled = [max_c F′; mean_c F′], F″ = F′ ⊙ Ms(pooled), out = relu(F″ + shortcut).
    /// With `--attention-outputs`, Ms [N, 1, H, W] and Mc [N, C] also leave the graph,
    /// as `SCOPE.Ms` and `SCOPE.Mc` ("layer1.0.cbam.Ms").
    public func exportONNX(features: String, shortcut: String, to graph: ONNXGraph, scope: String) -> String {
        let mc = channelGate.exportONNX(features, to: graph, scope: onnxScope(scope, "ChannelGate"))
        let mcPerChannel = graph.node("Reshape", [mc, graph.integers(scope + ".mc_shape", [0, -1, 1, 1])], name: scope + ".mc_nchw")
        let channelGated = graph.node("Mul", [features, mcPerChannel], name: scope + ".channel_gated")
        // The official code's order: the maximum over channels first, then the mean.
        let maximum = graph.reduce("ReduceMax", channelGated, axes: [1], name: scope + ".channel_max")
        let mean = graph.reduce("ReduceMean", channelGated, axes: [1], name: scope + ".channel_mean")
        let pooled = graph.node("Concat", [maximum, mean], name: scope + ".channel_pool", attributes: [ONNXAttribute.int("axis", 1)])
        let ms = spatialGate.exportONNX(pooled, to: graph, scope: onnxScope(scope, "SpatialGate"))
        let gated = graph.node("Mul", [channelGated, ms], name: scope + ".spatial_gated")
        if graph.addsAttentionOutputs {
            let channels = channelGate.mlp.expand.outputFeatures
            graph.addOutput(graph.node("Identity", [ms], name: scope + ".Ms"), shape: [graph.batch, .fixed(1), .unknown, .unknown],
                            documentation: "CBAM spatial attention Ms of \(scope), values in (0, 1), at the block's resolution")
            graph.addOutput(graph.node("Identity", [mc], name: scope + ".Mc"), shape: [graph.batch, .fixed(channels)],
                            documentation: "CBAM channel attention Mc of \(scope), values in (0, 1)")
        }
        return residualReLU(gated, shortcut: shortcut, to: graph, scope: scope)
    }
}

extension ResidualAttention {
    /// relu(branch + shortcut): how every residual ending finishes.
    func residualReLU(_ branch: String, shortcut: String, to graph: ONNXGraph, scope: String) -> String {
        let sum = graph.node("Add", [branch, shortcut], name: scope + ".residual")
        return graph.node("Relu", [sum], name: scope + ".relu")
    }
}
