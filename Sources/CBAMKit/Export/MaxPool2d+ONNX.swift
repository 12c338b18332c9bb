extension MaxPool2d: ONNXExportable {
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        graph.node("MaxPool", [input], name: scope, attributes: [
            ONNXAttribute.ints("kernel_shape", [kernel, kernel]),
            ONNXAttribute.ints("strides", [stride, stride]),
            ONNXAttribute.ints("pads", [padding, padding, padding, padding]),
        ])
    }
}
