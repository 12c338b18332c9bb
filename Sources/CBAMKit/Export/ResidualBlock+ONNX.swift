extension ResidualBlock: ONNXExportable {
    /// The branch's convolutions with their BatchNorms folded in (ReLU after all but the
    /// last), the shortcut (folded `downsample` or the input itself), then the attention's ending.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let features = branch.enumerated().reduce(input) { x, item in
            let (index, pair) = item
            return pair.conv.exportONNX(x, foldingIn: pair.norm, to: graph, scope: onnxScope(scope, "conv\(index + 1)"),
                                        normScope: onnxScope(scope, "bn\(index + 1)"))
        }
        let shortcut = downsample.map {
            $0.conv.exportONNX(input, foldingIn: $0.norm, to: graph, scope: onnxScope(scope, "downsample.0"),
                               normScope: onnxScope(scope, "downsample.1"))
        } ?? input
        return attention.exportONNX(features: features, shortcut: shortcut, to: graph, scope: onnxScope(scope, attentionKey))
    }
}
