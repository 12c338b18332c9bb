/// A module that can write its inference computation into an ONNX graph: the nodes
/// that take the value named `input` to its output, whose name it returns. `scope` is
/// the module's `state_dict` key ("layer1.0.conv1"), which names its values and weights.
///
/// Each layer writes only its own nodes and asks its children to write theirs, so a
/// network is exported by walking its layers, as `forward` walks them. Inference is
/// what is written: BatchNorm folded into the convolution before it, as `forward` in
/// `.inference` runs it.
public protocol ONNXExportable {
    func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String
}

/// What ends a residual block (attention, the add, the ReLU), written into an ONNX
/// graph from its two branches; every `ResidualAttention` is one.
public protocol ONNXResidualEnding {
    func exportONNX(features: String, shortcut: String, to graph: ONNXGraph, scope: String) -> String
}

/// "scope.key", or `key` alone at the top level.
func onnxScope(_ scope: String, _ key: String) -> String {
    scope.isEmpty ? key : key.isEmpty ? scope : "\(scope).\(key)"
}
