extension MultiHeadSelfAttention: ONNXExportable {
    /// proj(merge(softmax(q·kᵀ/√dₕ)·v)) on [N, T, d]: qkv read as PyTorch's
    /// `reshape(N, T, 3, H, dₕ).permute(2, 0, 3, 1, 4)`, q, k and v gathered from it.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let dimension = proj.outputFeatures, headDimension = dimension / heads
        let packed = qkv.exportONNX(input, to: graph, scope: onnxScope(scope, "qkv"))
        let split = graph.node("Reshape", [packed, graph.integers(scope + ".qkv_shape", [0, 0, 3, heads, headDimension])],
                               name: scope + ".qkv_heads")
        let perHead = graph.node("Transpose", [split], name: scope + ".qkv_per_head", attributes: [ONNXAttribute.ints("perm", [2, 0, 3, 1, 4])])
        let (q, k, v) = (0, 1, 2)
        let part = { (index: Int, name: String) in
            graph.node("Gather", [perHead, graph.integers("\(scope).\(name)_index", [index], shape: [])], name: "\(scope).\(name)",
                       attributes: [ONNXAttribute.int("axis", 0)])
        }
        let (queries, keys, values) = (part(q, "q"), part(k, "k"), part(v, "v"))
        let keysTransposed = graph.node("Transpose", [keys], name: scope + ".k_t", attributes: [ONNXAttribute.ints("perm", [0, 1, 3, 2])])
        let scores = graph.node("MatMul", [queries, keysTransposed], name: scope + ".scores")
        let scaled = graph.node("Mul", [scores, graph.scalar(scope + ".scale", scaledDotProduct.softmax.scale)], name: scope + ".scaled_scores")
        let probabilities = graph.node("Softmax", [scaled], name: scope + ".probabilities", attributes: [ONNXAttribute.int("axis", -1)])
        let heads = graph.node("MatMul", [probabilities, values], name: scope + ".heads")
        let tokens = graph.node("Transpose", [heads], name: scope + ".heads_per_token", attributes: [ONNXAttribute.ints("perm", [0, 2, 1, 3])])
        let merged = graph.node("Reshape", [tokens, graph.integers(scope + ".merged_shape", [0, 0, dimension])], name: scope + ".merged")
        return proj.exportONNX(merged, to: graph, scope: onnxScope(scope, "proj"))
    }
}
