import CBAMKit
import Foundation
import XCTest

final class OptimizerTests: XCTestCase {
    // MARK: Against PyTorch (Tests/PyTorch/make_fixtures.py)

    /// The fixture's parameters (the state_dict keys that have a `grad.` entry), with
    /// their gradients set, and the hyper-parameters it used for `optimizer`.
    private func fixture(_ optimizer: String) throws -> (parameters: [(key: String, parameter: Parameter)],
                                                          tensors: [String: Tensor], settings: [String: Any]) {
        let file = try SafeTensors(contentsOf: FileTestSupport.fixture("resnet_cbam.safetensors"))
        let parameters = file.tensors.keys.filter { $0.hasPrefix("grad.") }.sorted().map { gradKey in
            let key = String(gradKey.dropFirst("grad.".count))
            let parameter = Parameter(file.tensors[key]!.copy())
            parameter.gradient = file.tensors[gradKey]!
            return (key: key, parameter: parameter)
        }
        let json = try XCTUnwrap(file.metadata[optimizer]?.data(using: .utf8))
        let settings = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any])
        return (parameters, file.tensors, settings)
    }

    /// Runs two steps with the same gradients, as the fixture did, and compares each
    /// parameter after each step with PyTorch's.
    ///
    /// Tolerance: max |ours − torch| / max |torch| ≤ 1e-6 per tensor. Both compute in
    /// Float32 (unit round-off 6e-8) with the same formulas, but the order of a few
    /// roundings differs (PyTorch's vector kernels may fuse multiply-adds), so values
    /// differ by a few ulps of the tensor's largest entry; 1e-6 is ~16 ulps. A wrong
    /// formula (bias correction, decay, Nesterov term) is off by 1e-4 or more.
    private func assertMatchesPyTorch(_ name: String, _ optimizer: Optimizer,
                                      _ parameters: [(key: String, parameter: Parameter)], _ tensors: [String: Tensor]) {
        var worst: Float = 0
        for step in 1...2 {
            optimizer.step(parameters)
            for (key, parameter) in parameters {
                let ours = parameter.value.scalars, torch = tensors["\(name).step\(step).\(key)"]!.scalars
                let difference = zip(ours, torch).map { abs($0 - $1) }.max()!
                let error = difference / max(torch.map(abs).max()!, .leastNormalMagnitude)
                worst = max(worst, error)
                XCTAssertLessThanOrEqual(error, 1e-6, "\(name) step \(step) '\(key)'")
            }
        }
        print("\(name): largest relative difference from PyTorch \(worst)")
    }

    func testSGDMatchesPyTorch() throws {
        let (parameters, tensors, settings) = try fixture("sgd")
        XCTAssertEqual(parameters.count, 50)
        let sgd = SGD(learningRate: Float(settings["lr"] as! Double), momentum: Float(settings["momentum"] as! Double),
                      nesterov: settings["nesterov"] as! Bool, weightDecay: Float(settings["weight_decay"] as! Double))
        XCTAssertEqual([sgd.learningRate, sgd.momentum, sgd.weightDecay], [0.1, 0.9, 5e-4])
        assertMatchesPyTorch("sgd", sgd, parameters, tensors)
    }

    func testAdamWMatchesPyTorch() throws {
        let (parameters, tensors, settings) = try fixture("adamw")
        let betas = settings["betas"] as! [Double]
        let adamW = AdamW(learningRate: Float(settings["lr"] as! Double), beta1: Float(betas[0]), beta2: Float(betas[1]),
                          epsilon: Float(settings["eps"] as! Double), weightDecay: Float(settings["weight_decay"] as! Double))
        XCTAssertEqual([adamW.learningRate, adamW.beta1, adamW.beta2, adamW.epsilon, adamW.weightDecay], [1e-3, 0.9, 0.999, 1e-8, 0.05])
        assertMatchesPyTorch("adamw", adamW, parameters, tensors)
    }

    // MARK: By hand

    /// One parameter p = [1, −2] with gradient g = [0.5, 0], stepped twice.
    private func twoSteps(_ optimizer: Optimizer) -> [[Float]] {
        let parameter = Parameter(Tensor(shape: [2], values: [1, -2]))
        parameter.gradient = Tensor(shape: [2], values: [0.5, 0])
        return (1...2).map { _ in
            optimizer.step([(key: "p", parameter: parameter)])
            return parameter.value.scalars
        }
    }

    private func assertClose(_ actual: [[Float]], _ expected: [[Float]], file: StaticString = #filePath, line: UInt = #line) {
        for (a, e) in zip(actual.joined(), expected.joined()) {
            XCTAssertEqual(a, e, accuracy: 1e-6, "\(actual) vs \(expected)", file: file, line: line)
        }
    }

    func testSGDByHand() {
        // lr 0.1, wd 0.1. Plain: p −= 0.1·(g + 0.1·p): 1 → 0.94 → 0.8806; −2 → −1.98 → −1.9602.
        assertClose(twoSteps(SGD(learningRate: 0.1, weightDecay: 0.1)), [[0.94, -1.98], [0.8806, -1.9602]])
        // Momentum 0.9. Step 1: d = 0.6, buf = 0.6, p = 0.94. Step 2: d = 0.5 + 0.094 = 0.594,
        // buf = 0.54 + 0.594 = 1.134, p = 0.94 − 0.1134 = 0.8266. (Second element: d = −0.2,
        // p = −1.98; d = −0.198, buf = −0.378, p = −1.9422.)
        assertClose(twoSteps(SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.1)), [[0.94, -1.98], [0.8266, -1.9422]])
        // Nesterov. Step 1: d = 0.6 + 0.9·0.6 = 1.14, p = 0.886. Step 2: d = 0.5 + 0.0886 = 0.5886,
        // buf = 0.54 + 0.5886 = 1.1286, d = 0.5886 + 1.01574 = 1.60434, p = 0.725566.
        // (Second: d = −0.2 − 0.18, p = −1.962; d = −0.1962, buf = −0.3762, d = −0.53478, p = −1.908522.)
        assertClose(twoSteps(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1)),
                    [[0.886, -1.962], [0.725566, -1.908522]])
    }

    func testAdamWByHand() {
        // A constant gradient makes m̂ = g and v̂ = g², so each step moves p by lr·sign(g)
        // (up to ε) after the decay p *= 1 − lr·wd = 0.99: 1 → 0.89 → 0.7811.
        // With g = 0, m = v = 0 and only the decay acts: −2 → −1.98 → −1.9602.
        assertClose(twoSteps(AdamW(learningRate: 0.1, weightDecay: 0.1)), [[0.89, -1.98], [0.7811, -1.9602]])
    }

    // MARK: Checkpoints

    /// Stepping 4 times equals stepping twice, saving the state to a file, loading it
    /// into a new optimiser and stepping twice more — bit for bit.
    func testStateResumesExactly() throws {
        let folder = try FileTestSupport.temporaryFolder(for: self)
        let makers: [(String, () -> Optimizer)] = [
            ("sgd", { SGD(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3) }),
            ("adamw", { AdamW(learningRate: 1e-2, weightDecay: 0.05) }),
        ]
        for (name, make) in makers {
            var random = RandomGenerator(seed: 3)
            let gradients = (0..<4).map { _ in (0..<6).map { _ in random.nextNormal() } }
            func parameter() -> Parameter { Parameter(Tensor(shape: [2, 3], values: [1, -1, 0.5, 2, 0, -0.25])) }
            func step(_ optimizer: Optimizer, _ parameter: Parameter, _ i: Int) {
                parameter.gradient = Tensor(shape: [2, 3], values: gradients[i])
                optimizer.learningRate = LearningRateSchedule.cosine(base: 0.1, warmupSteps: 1, totalSteps: 4).learningRate(atStep: i)
                optimizer.step([(key: "layer.weight", parameter: parameter)])
            }

            let straight = make(), straightParameter = parameter()
            for i in 0..<4 { step(straight, straightParameter, i) }

            let first = make(), resumedParameter = parameter()
            for i in 0..<2 { step(first, resumedParameter, i) }
            let url = folder.appendingPathComponent("\(name).safetensors")
            try SafeTensors(tensors: Dictionary(uniqueKeysWithValues: first.state.map { ($0.key, $0.tensor) })).write(to: url)
            let resumed = make()
            try resumed.load(state: SafeTensors(contentsOf: url).tensors)
            for i in 2..<4 { step(resumed, resumedParameter, i) }

            XCTAssertEqual(FileTestSupport.bits(resumedParameter.value), FileTestSupport.bits(straightParameter.value), name)
            XCTAssertEqual(resumed.state.map(\.key), straight.state.map(\.key), name)
        }
    }

    func testStateNamesFollowPyTorch() {
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        let adamW = AdamW(learningRate: 0.1)
        for optimizer in [sgd, adamW] as [Optimizer] { _ = twoSteps(optimizer) }
        XCTAssertEqual(sgd.state.map(\.key), ["momentum_buffer.p"])
        XCTAssertEqual(adamW.state.map(\.key), ["step", "exp_avg.p", "exp_avg_sq.p"])
        XCTAssertEqual(adamW.state[0].tensor.scalars, [2])
    }

    func testForeignStateIsRefused() {
        let adamWState = ["step": Tensor(shape: [], values: [1]), "exp_avg.p": Tensor.zeros([2]), "exp_avg_sq.p": Tensor.zeros([2])]
        XCTAssertThrowsError(try SGD(learningRate: 0.1, momentum: 0.9).load(state: adamWState)) { error in
            XCTAssertEqual("\(error)", "optimizer state: 'exp_avg.p' is not one of this optimizer's entries (momentum_buffer)")
        }
        XCTAssertThrowsError(try AdamW(learningRate: 0.1).load(state: ["momentum_buffer.p": Tensor.zeros([2])])) { error in
            XCTAssertEqual("\(error)", "optimizer state: AdamW state needs 'step', a whole number of steps")
        }
        XCTAssertThrowsError(try AdamW(learningRate: 0.1).load(state: ["step": Tensor(shape: [], values: [1]), "exp_avg.p": Tensor.zeros([2])])) { error in
            XCTAssertEqual("\(error)", "optimizer state: 'p' has only some of exp_avg, exp_avg_sq")
        }
    }
}
