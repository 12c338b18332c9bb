/// What `cbam export` writes: the opset, the batch dimension, the weights' precision
/// and whether CBAM's attention maps leave the graph.
public struct ONNXExportOptions: Equatable, Sendable {
    public enum Batch: Equatable, Sendable {
        /// Any batch size, named "N" in the graph.
        case dynamic
        case fixed(Int)
    }

    public enum Precision: String, CaseIterable, Sendable {
        /// float32 weights and computation.
        case fp32
        /// bfloat16 weights (half the file), cast to float32 in the graph: any runtime
        /// runs it, and the computation stays float32.
        case bf16
    }

    /// The opsets whose operators this exporter writes and checks: 17 brought
    /// LayerNormalization; 18 moved the Reduce ops' axes to an input (both forms are
    /// written); beyond 22 onnxruntime releases lag behind.
    public static let opsets = 17...22

    public var opset = 17
    public var batch = Batch.dynamic
    public var precision = Precision.fp32
    public var attentionOutputs = false

    public init(opset: Int = 17, batch: Batch = .dynamic, precision: Precision = .fp32, attentionOutputs: Bool = false) {
        self.opset = opset
        self.batch = batch
        self.precision = precision
        self.attentionOutputs = attentionOutputs
    }

    /// The ONNX IR version that goes with the opset (onnx's `VERSION_TABLE`).
    var irVersion: Int {
        switch opset {
        case ...18: return 8
        case 19...20: return 9
        default: return 10
        }
    }
}
