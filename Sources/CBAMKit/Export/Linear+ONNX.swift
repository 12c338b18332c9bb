extension Linear: ONNXExportable {
    /// x·Wᵀ + b as MatMul and Add on rows of any rank (the ViT's [N, T, d] as well as
    /// [N, d]); Wᵀ is stored transposed, [in, out], so the MatMul reads it as it is.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let w = weight.value.scalars
        let transposed = (0..<inputFeatures * outputFeatures).map { k in
            w[(k % outputFeatures) * inputFeatures + k / outputFeatures]
        }
        let product = graph.node("MatMul", [input, graph.weight(onnxScope(scope, "weight"), shape: [inputFeatures, outputFeatures],
                                                               values: transposed)],
                                 name: scope + ".matmul")
        guard let bias else { return product }
        return graph.node("Add", [product, graph.weight(onnxScope(scope, "bias"), bias.value)], name: scope)
    }
}
