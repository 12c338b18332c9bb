import XCTest
import Foundation
import CBAMKit

/// The PyTorch fixtures (Tests/PyTorch/make_fixtures.py, make_vit_fixtures.py) and
/// how results are compared with them.
enum ReferenceFixtures {
    /// 1e-4 relative to the largest reference value (see PyTorchReferenceTests for why).
    static let tolerance: Float = 1e-4

    static func load(_ name: String) throws -> SafeTensors {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("\(name).safetensors")
        return try SafeTensors(contentsOf: url)
    }

    /// Copies the fixture's tensors named `prefix` + key into `module`, for each of its
    /// `state` keys (the rest of the fixture is inputs and results).
    static func load(_ reference: SafeTensors, prefix: String = "", into module: Module) throws {
        let tensors = module.state.compactMap { key, _ in reference.tensors[prefix + key].map { (key, $0) } }
        try ModelFile.load(Dictionary(uniqueKeysWithValues: tensors), into: module, fileName: "\(prefix)… of a fixture")
    }

    /// PyTorch's attention modules give their gated features alone (F ⊙ s, F″); ours end
    /// the block, relu(… + shortcut). A shortcut this large keeps every sum above 0 on
    /// the fixtures' inputs (|F ⊙ s| < 5), so the ReLU passes everything: out − lift is
    /// PyTorch's output, and ∂out reaches the features unchanged.
    static let shortcutLift: Float = 8

    /// A training step of `attention` against PyTorch's module: its weights, input and
    /// upstream gradient from the `prefix` tensors of layers.safetensors, and its gated
    /// features (relu(out + lift) − lift), ∂F and every parameter's gradient compared.
    static func assertTrainingStepMatches(_ attention: any ResidualAttention, prefix: String,
                                          file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try load("layers")
        try load(reference, prefix: prefix, into: attention)
        let input = reference.tensors[prefix + "input"]!
        let lift = Tensor(shape: input.shape, values: Array(repeating: shortcutLift, count: input.count))
        let out = attention.forward(input.reordered(to: .blocked), shortcut: lift.reordered(to: .blocked), .training)
        assertClose(Tensor(shape: input.shape, values: out.scalars.map { $0 - shortcutLift }), reference.tensors[prefix + "output"],
                    "\(prefix) gated features", file: file, line: line)
        let (dFeatures, _) = attention.backward(reference.tensors[prefix + "upstream"]!.reordered(to: .blocked))
        assertClose(dFeatures, reference.tensors[prefix + "input_grad"], "\(prefix) ∂F", file: file, line: line)
        for (key, parameter) in attention.parameters {
            assertClose(parameter.gradient, reference.tensors["\(prefix)grad.\(key)"], "\(prefix) ∂\(key)", file: file, line: line)
        }
    }

    /// The tolerance for a whole-network fixture: 1e-4, or twice PyTorch's own float32
    /// error where the fixture records one (`float32_error`, make_resnet_fixtures.py: its
    /// expected values are float64 results, and a deep, narrow network in training mode
    /// can amplify rounding beyond 1e-4 in any float32 implementation).
    static func tolerance(of reference: SafeTensors) -> Float {
        max(tolerance, 2 * (reference.metadata["float32_error"].flatMap(Float.init) ?? 0))
    }

    static func assertClose(_ actual: Tensor, _ expected: Tensor?, _ what: String, tolerance: Float = tolerance,
                            file: StaticString = #filePath, line: UInt = #line) {
        guard let expected else { return XCTFail("fixture lacks \(what)", file: file, line: line) }
        let a = actual.scalars, e = expected.scalars
        XCTAssertEqual(a.count, e.count, "\(what): element count", file: file, line: line)
        guard a.count == e.count else { return }
        let scale = max(e.map(abs).max() ?? 0, 1e-6)
        let worst = zip(a, e).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst / scale, tolerance, "\(what): max |Δ| \(worst), max |ref| \(scale)", file: file, line: line)
    }
}
