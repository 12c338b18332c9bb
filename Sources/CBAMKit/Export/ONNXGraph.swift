import Foundation
import ONNXSchema

/// An ONNX graph being written: nodes in the order they run, the weights they read
/// (initializers), and the extra outputs that modules ask for (CBAM's attention maps).
///
/// Modules add their nodes through `node(_:_:name:attributes:)` and read weights through
/// `weight(_:_:)`; every value is named after the `state_dict` key of the module that
/// makes it ("layer1.0.conv1", "blocks.2.attn.qkv"), so the graph reads like the model.
public final class ONNXGraph {
    public let opset: Int
    public let precision: ONNXExportOptions.Precision
    /// Whether CBAM blocks add their Ms and Mc as graph outputs (`--attention-outputs`).
    public let addsAttentionOutputs: Bool
    /// The batch dimension of the input and of every output.
    public let batch: ONNXDimension

    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    /// Extra graph outputs: the value, its shape (nil where a dimension is left to the runtime) and what it is.
    private(set) var extraOutputs: [(name: String, shape: [ONNXDimension], documentation: String)] = []
    private var usedNames: Set<String> = []

    public init(_ options: ONNXExportOptions) {
        opset = options.opset
        precision = options.precision
        addsAttentionOutputs = options.attentionOutputs
        switch options.batch {
        case .dynamic: batch = .named("N")
        case .fixed(let size): batch = .fixed(size)
        }
    }

    /// A name no value has yet: `name`, or `name_2`, `name_3`, … .
    private func uniqueName(_ name: String) -> String {
        var candidate = name, suffix = 2
        while usedNames.contains(candidate) { candidate = "\(name)_\(suffix)"; suffix += 1 }
        usedNames.insert(candidate)
        return candidate
    }

    /// Reserves a value name that comes from outside the nodes (the graph input).
    func reserve(_ name: String) { usedNames.insert(name) }

    // MARK: - Nodes

    /// Appends one node with a single output, named `name` (made unique), and returns that name.
    @discardableResult
    func node(_ op: String, _ inputs: [String], name: String, attributes: [Onnx_AttributeProto] = []) -> String {
        let output = uniqueName(name)
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = output
        node.input = inputs
        node.output = [output]
        node.attribute = attributes
        nodes.append(node)
        return output
    }

    /// ReduceMean/ReduceMax over `axes`, keeping them as size 1. Opset 18 moved the axes
    /// from an attribute to a second input; both forms are written as the opset asks.
    func reduce(_ op: String, _ input: String, axes: [Int], name: String) -> String {
        let keep = ONNXAttribute.int("keepdims", 1)
        if opset >= 18 {
            return node(op, [input, integers(name + ".axes", axes)], name: name, attributes: [keep])
        }
        return node(op, [input], name: name, attributes: [keep, ONNXAttribute.ints("axes", axes)])
    }

    /// Marks `value` as an extra graph output (an attention map).
    func addOutput(_ value: String, shape: [ONNXDimension], documentation: String) {
        extraOutputs.append((value, shape, documentation))
    }

    // MARK: - Initializers

    /// A trained tensor, float32 or, with `--precision bf16`, stored as bfloat16 and cast
    /// back to float32 by a Cast node (the computation stays float32; the file halves).
    /// Returns the name of the float32 value.
    func weight(_ name: String, shape: [Int], values: [Float]) -> String {
        precondition(shape.reduce(1, *) == values.count, "\(name): \(values.count) values for shape \(shape)")
        var tensor = Onnx_TensorProto()
        tensor.dims = shape.map(Int64.init)
        switch precision {
        case .fp32:
            tensor.name = uniqueName(name)
            tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            tensor.rawData = ONNXRawData.float32(values)
            initializers.append(tensor)
            return tensor.name
        case .bf16:
            tensor.name = uniqueName(name + ".bf16")
            tensor.dataType = Int32(Onnx_TensorProto.DataType.bfloat16.rawValue)
            tensor.rawData = ONNXRawData.bfloat16(values)
            initializers.append(tensor)
            return node("Cast", [tensor.name], name: name,
                        attributes: [ONNXAttribute.int("to", Onnx_TensorProto.DataType.float.rawValue)])
        }
    }

    /// A trained tensor under `name`, shaped as it is.
    func weight(_ name: String, _ tensor: Tensor) -> String {
        weight(name, shape: tensor.shape, values: tensor.reordered(to: .plain).scalars)
    }

    /// A constant that is part of the graph's structure (a shape, axes, indices):
    /// int64, never rounded to bf16. A `shape` of [] makes a scalar.
    func integers(_ name: String, _ values: [Int], shape: [Int]? = nil) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = uniqueName(name)
        tensor.dims = (shape ?? [values.count]).map(Int64.init)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.int64Data = values.map(Int64.init)
        initializers.append(tensor)
        return tensor.name
    }

    /// A float32 scalar constant of the computation (1/√2 in GELU, 1/√dₕ in attention).
    func scalar(_ name: String, _ value: Float) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = uniqueName(name)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.floatData = [value]
        initializers.append(tensor)
        return tensor.name
    }
}

/// One dimension of a graph input's or output's shape.
public enum ONNXDimension: Equatable {
    case fixed(Int)
    /// A dimension given when the model runs ("N" for a dynamic batch).
    case named(String)
    /// A dimension the runtime works out.
    case unknown
}
