import ArgumentParser
import CBAMKit
import Foundation

/// `cbam export MODEL`: a model file as ONNX, for onnxruntime and every runtime that reads ONNX.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a model file to ONNX (onnxruntime, and any runtime that reads ONNX).",
        discussion: """
            The graph is the model's inference: BatchNorm folded into the convolutions. Its \
            input 'image' is N×C×S×S float32, already resized and normalised; its outputs are \
            'logits' and 'probabilities' (N×classes). The class names, mean, std, image size, \
            channels and transform are in the model's metadata_props, so nothing else is \
            needed to run it. --attention-outputs adds every CBAM block's spatial map Ms \
            (BLOCK.cbam.Ms, N×1×H×W) and channel attention Mc (BLOCK.cbam.Mc, N×C). \
            --precision bf16 stores the weights as bfloat16 (half the file), cast to float32 \
            inside the graph. Without --out the file is MODEL with the extension .onnx.

            Examples:
              cbam export Models/fashion-mnist-cbam.safetensors --out cbam.onnx
              cbam export resnet50-cbam.safetensors --batch 1 --opset 18 --attention-outputs --force
            """)

    /// The formats `--format` names (one, for now: the option leaves room for more).
    static let formats = ["onnx"]
    /// The largest fixed batch: beyond it a fixed size serves no one better than dynamic.
    static let largestBatch = 65536

    @Argument(help: "The model file (safetensors, as cbam train or import-torch writes it).") var model: String
    @Option(help: "The export format: onnx.") var format = "onnx"
    @Option(help: "The file to write (default: MODEL with the extension .onnx).") var out: String?
    @Option(help: "The ONNX opset, \(ONNXExportOptions.opsets.lowerBound)–\(ONNXExportOptions.opsets.upperBound).") var opset = 17
    @Option(help: ArgumentHelp("The batch dimension: dynamic (any N) or a fixed size.", valueName: "dynamic|N")) var batch = "dynamic"
    @Option(help: "The weights' precision: fp32, or bf16 (bfloat16 weights, float32 computation).")
    var precision: ONNXExportOptions.Precision = .fp32
    @Flag(help: "Add every CBAM block's Ms and Mc as outputs.") var attentionOutputs = false
    @Flag(help: "Replace the output file if it exists.") var force = false

    func validate() throws {
        guard Self.formats.contains(format) else {
            throw ValidationError("--format \(format): unknown export format; cbam exports \(Self.formats.joined(separator: ", "))")
        }
        guard ONNXExportOptions.opsets.contains(opset) else {
            throw ValidationError("--opset \(opset): cbam writes opsets \(ONNXExportOptions.opsets.lowerBound)–\(ONNXExportOptions.opsets.upperBound)")
        }
        _ = try batchDimension()
    }

    /// `--batch`: "dynamic" or a size from 1 to `largestBatch`.
    func batchDimension() throws -> ONNXExportOptions.Batch {
        if batch == "dynamic" { return .dynamic }
        guard let size = Int(batch), (1...Self.largestBatch).contains(size) else {
            throw ValidationError("--batch \(batch): expected 'dynamic' or a batch size from 1 to \(Self.largestBatch)")
        }
        return .fixed(size)
    }

    /// `--out`, or MODEL with its extension replaced by .onnx.
    var outputPath: String {
        out ?? URL(fileURLWithPath: model).deletingPathExtension().appendingPathExtension("onnx").path
    }

    func run() throws {
        let output = URL(fileURLWithPath: outputPath)
        let subject = out.map { "--out \($0)" } ?? "\(output.path) (the default output)"
        try OutputFiles.refuseOverwritingInput(output: output.path, input: model)
        try OutputFiles.refuseReplacing(output, subject: subject, force: force)
        try OutputFiles.checkWritable(output, subject: subject)

        let trained = try TrainedModel(contentsOf: URL(fileURLWithPath: model))
        let options = ONNXExportOptions(opset: opset, batch: try batchDimension(), precision: precision, attentionOutputs: attentionOutputs)
        try ONNXExport.write(trained, options: options, to: output)
        print("\(output.path): \(trained.configuration.name), ONNX opset \(opset), batch \(batch), \(precision.rawValue)"
              + (attentionOutputs ? ", with attention outputs" : ""))
    }
}

extension ONNXExportOptions.Precision: ExpressibleByArgument {}
