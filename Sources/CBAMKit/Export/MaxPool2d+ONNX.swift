extension MaxPool2d: ONNXExportable {
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        graph.node("MaxPool", [input], name: scope, attributes: ONNXAttribute.window(kernel: kernel, stride: stride, padding: padding))
    }
}
