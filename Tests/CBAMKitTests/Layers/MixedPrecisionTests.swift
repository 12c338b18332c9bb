import XCTest
import CBAMKit
import OneDNN

/// bf16 mixed precision (`Module.use(.bf16)`) against the fp32 path: every layer that
/// runs in bf16 and whole networks give fp32's numbers within bf16's tolerance, and
/// visibly differ from them, so that the tests fail if bf16 silently did not run.
///
/// Tolerance: bf16 keeps 8 significant bits, so each operand is rounded by up to
/// 2⁻⁹ ≈ 0.2 % (relative); a dot product of such terms with random signs is off by
/// about that fraction of its norm. 1 % (layers) and 3 % (a network's logits, ten
/// layers deep) pass that with margin and fail on a wrong layout or operand (errors
/// of order 100 %). A network's gradients drift further as backward goes down: each
/// BatchNorm subtracts its batch means from ∂y, which at batch 6 cancels most of ∂y
/// and leaves its rounding behind (measured: 0.3 % at fc, 5–10 % at the last stage,
/// 12–15 % at the first conv; the ViT, without BatchNorm, 3 % overall), hence 20 %.
final class MixedPrecisionTests: XCTestCase {
    var generator = RandomGenerator(seed: 7)

    override func setUpWithError() throws {
        try XCTSkipUnless(Precision.hasNativeBF16, "this CPU has no native bf16 dot products; the bf16 path is not used here")
    }

    func testConvolutionsAgreeWithFP32() {
        // The first conv of a network (plain RGB input), 3×3 and 1×1 blocked ones, strided
        // or not (oneDNN picks different kernels for each), with and without a bias.
        for (layout, inputChannels, kernel, stride, bias) in [(Layout.plain, 3, 3, 1, false), (.blocked, 32, 3, 1, false),
                                                              (.blocked, 32, 3, 2, true), (.blocked, 32, 1, 2, false)] {
            let conv = Conv2d(inputChannels, 48, kernel: kernel, stride: stride, padding: kernel / 2, bias: bias, generator: &generator)
            let x = random([4, inputChannels, 12, 12]).reordered(to: layout)
            let dy = random(conv.outputShape(for: x.shape)).reordered(to: .blocked)
            func run(_ precision: Precision) -> [String: [Float]] {
                conv.precision = precision
                let y = conv.forward(x, .training)
                let dx = conv.backward(dy)
                var result = ["output": y.scalars, "∂input": dx.scalars, "∂weight": conv.weight.gradient.scalars]
                if let bias = conv.bias { result["∂bias"] = bias.gradient.scalars }
                return result
            }
            let name = "conv \(inputChannels)→48 \(kernel)×\(kernel)/\(stride) \(layout)"
            assertAgree(run(.bf16), run(.fp32), tolerance: 1e-2, mustDiffer: ["output", "∂input"], name)
        }
    }

    /// In bf16 training a convolution, strided or not, converts its input once: backward-weights
    /// reads the forward's bf16 copy, not the float32 tensor (which may be reused by then).
    func testBF16TrainingKeepsItsOwnCopyOfTheInput() {
        for stride in [1, 2] {
            let conv = Conv2d(32, 48, kernel: 3, stride: stride, padding: 1, generator: &generator)
            conv.precision = .bf16
            let x = random([4, 32, 12, 12]).reordered(to: .blocked)
            let dy = random(conv.outputShape(for: x.shape)).reordered(to: .blocked)
            func gradients(overwritingInput: Bool) -> [[Float]] {
                let copy = x.copy()
                _ = conv.forward(copy, .training)
                if overwritingInput { copy.data.update(repeating: 0, count: copy.storageCount) }
                let dx = conv.backward(dy)
                return [dx.scalars, conv.weight.gradient.scalars]
            }
            XCTAssertEqual(gradients(overwritingInput: true), gradients(overwritingInput: false), "stride \(stride)")
        }
    }

    /// A product of at least `Linear.smallestBF16Product` multiply-adds runs in bf16
    /// (600 · 128 · 64 ≈ 4.9 M); a smaller one, like CBAM's MLP, in fp32 exactly.
    func testLinearAgreesWithFP32() {
        for (rows, inputs, outputs) in [(600, 128, 64), (10, 64, 40)] {
            let linear = Linear(inputs, outputs, generator: &generator)
            let x = random([rows, inputs]), dy = random([rows, outputs])
            func run(_ precision: Precision) -> [String: [Float]] {
                linear.precision = precision
                let y = linear.forward(x, .training)
                let dx = linear.backward(dy)
                return ["output": y.scalars, "∂input": dx.scalars, "∂weight": linear.weight.gradient.scalars,
                        "∂bias": linear.bias!.gradient.scalars]
            }
            let name = "linear \(inputs)→\(outputs) on \(rows) rows"
            if rows * inputs * outputs >= Linear.smallestBF16Product {
                assertAgree(run(.bf16), run(.fp32), tolerance: 1e-2, mustDiffer: ["output", "∂input", "∂weight"], name)
            } else {
                XCTAssertEqual(run(.bf16), run(.fp32), name)
            }
        }
    }

    /// Each network twice from one seed, one in bf16: logits in training and inference
    /// (BatchNorm folded into the convolutions) and every parameter's gradient.
    func testNetworksAgreeWithFP32() {
        let configurations = [ModelConfiguration(attention: .none, imageSize: 16, classes: 5, width: 16),
                              ModelConfiguration(attention: .se, imageSize: 16, classes: 5, width: 16, reduction: 4),
                              ModelConfiguration(attention: .cbam, imageSize: 16, classes: 5, width: 16, reduction: 4),
                              ModelConfiguration(architecture: .vitTiny, imageSize: 16, classes: 5, width: 32, depth: 2, patchSize: 4)]
        let images = random([6, 3, 16, 16]), labels = [0, 1, 2, 3, 4, 0]
        for configuration in configurations {
            func run(_ precision: Precision) -> [String: [Float]] {
                let network = configuration.makeModel(seed: 3)
                network.use(precision)
                let logits = network.forward(images, .training)
                network.backward(SoftmaxCrossEntropy()(logits, labels: labels).gradient, inputGradient: false)
                return ["training logits": logits.scalars, "inference logits": network.forward(images, .inference).scalars,
                        "gradients": network.parameters.flatMap { $0.parameter.gradient.scalars }]
            }
            let bf16 = run(.bf16), fp32 = run(.fp32)
            assertAgree(bf16.filter { $0.key != "gradients" }, fp32.filter { $0.key != "gradients" }, tolerance: 3e-2,
                        mustDiffer: ["training logits", "inference logits"], configuration.name)
            assertAgree(bf16.filter { $0.key == "gradients" }, fp32.filter { $0.key == "gradients" }, tolerance: 0.2,
                        mustDiffer: ["gradients"], configuration.name)
        }
    }

    /// bf16 changes the arithmetic, not the model: parameters stay fp32 tensors that a
    /// model file stores as F32, and `use(.fp32)` gives fp32's numbers back exactly.
    func testPrecisionIsReversible() {
        let configuration = ModelConfiguration(attention: .cbam, imageSize: 16, classes: 5, width: 16, reduction: 4)
        let network = configuration.makeModel(seed: 3)
        let images = random([2, 3, 16, 16])
        let before = network.forward(images, .inference).scalars
        network.use(.bf16)
        XCTAssertNotEqual(network.forward(images, .inference).scalars, before)
        network.use(.fp32)
        XCTAssertEqual(network.forward(images, .inference).scalars, before)
    }

    private func random(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }

    /// ‖a − b‖ / ‖b‖ below `tolerance` for every entry; above 1e-5 for those in
    /// `mustDiffer` (bf16 really ran: fp32 reorderings alone differ by ~1e-7).
    private func assertAgree(_ bf16: [String: [Float]], _ fp32: [String: [Float]], tolerance: Double, mustDiffer: Set<String>,
                             _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(bf16.keys), Set(fp32.keys), file: file, line: line)
        for (key, reference) in fp32 {
            let values = bf16[key]!
            var difference = 0.0, norm = 0.0
            for (a, b) in zip(values, reference) {
                difference += Double(a - b) * Double(a - b)
                norm += Double(b) * Double(b)
            }
            let relative = (difference / max(norm, 1e-30)).squareRoot()
            XCTAssertLessThan(relative, tolerance, "\(name) \(key)", file: file, line: line)
            if mustDiffer.contains(key) { XCTAssertGreaterThan(relative, 1e-5, "\(name) \(key): bf16 did not run", file: file, line: line) }
        }
    }
}

/// The precision is part of a run's options: a checkpoint keeps it for the resumed run,
/// and checkpoints from before it existed trained in fp32.
final class PrecisionInOptionsTests: XCTestCase {
    func testCheckpointOptionsKeepThePrecisionAndOlderOnesReadAsFP32() throws {
        var options = TrainingOptions.defaults(for: ModelConfiguration(imageSize: 32))
        options.precision = .bf16
        let data = try JSONEncoder().encode(options)
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: data).precision, .bf16)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["precision"] = nil
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: object)).precision, .fp32)
    }
}
