import Foundation
import XCTest

/// Runs an exported model in onnxruntime through `Tests/Scripts/onnx_run.py` (which
/// also runs `onnx.checker.check_model`), for `ExportTests`. Skips the test with the
/// reason when python3, onnx or onnxruntime is missing (`.ci/install-deps` installs them).
enum ONNXRuntime {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/onnx_run.py")

    /// One output: its shape and its values, flattened.
    struct Output {
        let shape: [Int]
        let values: [Float]
    }

    struct Result {
        /// Per batch given, every output by name.
        let runs: [[String: Output]]
        let metadata: [String: String]
    }

    /// Checks `model` and runs it on each batch ([N, C, S, S] floats, N = count / (C·S·S)).
    static func run(_ model: URL, batches: [[Float]], channels: Int, imageSize: Int, in folder: URL) throws -> Result {
        let inputs = try batches.enumerated().map { index, values -> String in
            let url = folder.appendingPathComponent("batch\(index).f32")
            try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: url)
            return url.path
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, model.path, String(channels), String(imageSize)] + inputs
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_WAIT_POLICY"] = "PASSIVE"
        process.environment = environment
        let standardOutput = Pipe(), standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        do { try process.run() } catch { throw XCTSkip("python3 cannot be started (\(error)); ONNX export is not checked in onnxruntime") }
        let output = standardOutput.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: standardError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0: break
        case 3, 127: throw XCTSkip("ONNX export not checked in onnxruntime: \(errors.trimmingCharacters(in: .whitespacesAndNewlines)) (pip install onnx onnxruntime)")
        default: throw ScriptFailure(description: "onnx_run.py failed on \(model.lastPathComponent): \(errors)")
        }
        let json = try JSONSerialization.jsonObject(with: output) as! [String: Any]
        let runs = (json["runs"] as! [[String: [String: Any]]]).map { run in
            run.mapValues { Output(shape: $0["shape"] as! [Int], values: ($0["values"] as! [Double]).map(Float.init)) }
        }
        return Result(runs: runs, metadata: json["metadata"] as! [String: String])
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        let description: String
    }
}
