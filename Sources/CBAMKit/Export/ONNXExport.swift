import Foundation
import ONNXSchema

/// A trained model as an ONNX model that onnxruntime (or any runtime that reads ONNX)
/// runs with nothing else: the network's inference graph, BatchNorm folded, and
/// everything needed to prepare an image in `metadata_props`.
///
/// The graph's input is `image`, [N, C, S, S] float32, already prepared and normalised;
/// its outputs are `logits` and `probabilities` (softmax of the logits), [N, classes];
/// with `attentionOutputs`, also every CBAM block's `BLOCK.cbam.Ms` [N, 1, H, W] and
/// `BLOCK.cbam.Mc` [N, C] (the maps `cbam attention` draws, before upsampling).
public enum ONNXExport {
    public static let inputName = "image", logitsName = "logits", probabilitiesName = "probabilities"

    /// The ONNX model of `trained`; errors name its model file.
    public static func model(of trained: TrainedModel, options: ONNXExportOptions) throws -> Onnx_ModelProto {
        precondition(ONNXExportOptions.opsets.contains(options.opset), "opset \(options.opset) outside \(ONNXExportOptions.opsets)")
        let configuration = trained.configuration
        if options.attentionOutputs && BlockAttention.cbamBlocks(of: trained.network).isEmpty {
            throw ONNXExportError(subject: trained.url.lastPathComponent,
                                  reason: "its network (\(configuration.name)) has no CBAM blocks; --attention-outputs needs a cbam model")
        }
        guard let network = trained.network as? ONNXExportable else {
            preconditionFailure("\(configuration.name): every network of ModelConfiguration.makeModel is ONNXExportable")
        }

        let graph = ONNXGraph(options)
        graph.reserve(inputName)
        let logits = graph.node("Identity", [network.exportONNX(inputName, to: graph, scope: "")], name: logitsName)
        let probabilities = graph.node("Softmax", [logits], name: probabilitiesName, attributes: [ONNXAttribute.int("axis", 1)])

        let (batch, classes) = (graph.batch, configuration.classes)
        var graphProto = Onnx_GraphProto()
        graphProto.name = "cbam \(configuration.name)"
        graphProto.docString = "cbam \(configuration.name) (\(configuration.architecture.rawValue)), exported for inference. "
            + "Input 'image': N×\(configuration.channels)×\(configuration.imageSize)×\(configuration.imageSize) float32, prepared as "
            + "metadata_props 'preprocessing' says. Outputs 'logits' and 'probabilities': N×\(classes), in the order of "
            + "metadata_props 'classes'."
        graphProto.input = [valueInfo(inputName, [batch, .fixed(configuration.channels), .fixed(configuration.imageSize), .fixed(configuration.imageSize)],
                                      "images, N×C×S×S float32, already resized and normalised: (pixel/255 − mean)/std per channel")]
        graphProto.output = [valueInfo(logits, [batch, .fixed(classes)], "class scores before softmax"),
                             valueInfo(probabilities, [batch, .fixed(classes)], "softmax of the logits")]
            + graph.extraOutputs.map { valueInfo($0.name, $0.shape, $0.documentation) }
        graphProto.node = graph.nodes
        graphProto.initializer = graph.initializers

        var model = Onnx_ModelProto()
        model.irVersion = Int64(options.irVersion)
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(options.opset)
        model.opsetImport = [opset]
        model.producerName = "cbam"
        model.docString = graphProto.docString
        model.graph = graphProto
        model.metadataProps = ONNXMetadata.properties(of: trained.metadata, modelFile: trained.url.lastPathComponent).map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return model
    }

    /// Writes the ONNX model of `trained` to `url` atomically (a temporary file renamed over it).
    public static func write(_ trained: TrainedModel, options: ONNXExportOptions, to url: URL) throws {
        let bytes: Data = try model(of: trained, options: options).serializedBytes()
        try bytes.writeAtomically(to: url)
    }

    private static func valueInfo(_ name: String, _ shape: [ONNXDimension], _ documentation: String) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensorType.shape.dim = shape.map { dimension in
            var proto = Onnx_TensorShapeProto.Dimension()
            switch dimension {
            case .fixed(let size): proto.dimValue = Int64(size)
            case .named(let name): proto.dimParam = name
            case .unknown: break
            }
            return proto
        }
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.docString = documentation
        info.type.tensorType = tensorType
        return info
    }
}

/// Why a model cannot be exported as asked: "SUBJECT: REASON".
public struct ONNXExportError: OneLineError, Equatable {
    public let subject: String
    public let reason: String
}
