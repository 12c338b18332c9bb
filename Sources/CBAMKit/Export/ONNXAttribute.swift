import ONNXSchema

/// Node attributes (`kernel_shape`, `axis`, `epsilon`, …) as ONNX writes them.
enum ONNXAttribute {
    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = Int64(value)
        return attribute
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values.map(Int64.init)
        return attribute
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }

    /// A square window's `kernel_shape`, `strides` and `pads` (Conv, MaxPool).
    static func window(kernel: Int, stride: Int, padding: Int) -> [Onnx_AttributeProto] {
        [ints("kernel_shape", [kernel, kernel]), ints("strides", [stride, stride]), ints("pads", [padding, padding, padding, padding])]
    }
}
