import XCTest
import CBAMKit

/// Fine-tuning (`cbam train --init MODEL --freeze N`): frozen stages keep every weight
/// and BatchNorm statistic, the rest trains with gradients checked against finite
/// differences, and the head carries over only for the same classes.
final class FineTuningTests: XCTestCase {
    var check = GradientCheck()

    private static let resnet = ModelConfiguration(architecture: .resnetSmall, attention: .cbam, channels: 3, imageSize: 12,
                                                   classes: 3, width: 4)
    private static let vit = ModelConfiguration(architecture: .vitTiny, attention: .none, channels: 3, imageSize: 8, classes: 3,
                                                width: 16, depth: 2, patchSize: 4, heads: 2, mlpRatio: 2)

    func testStagesAreNamedAsTheFilesKeysBegin() {
        XCTAssertEqual(Self.resnet.stageNames, ["stem", "layer1", "layer2", "layer3"])
        XCTAssertEqual(ModelConfiguration(kind: .cbam, resnet: .resnet50).stageNames, ["stem", "layer1", "layer2", "layer3", "layer4"])
        XCTAssertEqual(Self.vit.stageNames, ["patch embedding", "blocks.0", "blocks.1"])
        for configuration in [Self.resnet, Self.vit] {
            let model = configuration.makeModel(seed: 0)
            XCTAssertEqual(model.stageKeys.count, configuration.stageCount)
            // Every parameter belongs to exactly one stage or to the head and the final norm.
            for frozen in 0...configuration.stageCount {
                model.frozenStages = frozen
                let trainable = Set(model.trainableParameters.map(\.key))
                let frozenKeys = model.parameters.map(\.key).filter { !trainable.contains($0) }
                XCTAssertEqual(frozenKeys.isEmpty, frozen == 0)
                XCTAssertTrue(trainable.contains("\(configuration.headKey).weight"))
            }
        }
        let resnet = Self.resnet.makeModel(seed: 0)
        resnet.frozenStages = 2
        XCTAssertEqual(Set(resnet.parameters.map(\.key)).subtracting(resnet.trainableParameters.map(\.key)),
                       Set(resnet.parameters.map(\.key).filter { $0.hasPrefix("conv1.") || $0.hasPrefix("bn1.") || $0.hasPrefix("layer1.") }))
    }

    /// The trainable parameters' gradients, the frozen stages running as in inference.
    func testGradientsWithFrozenStages() {
        // SE rather than CBAM: the channel gate's max-pooling puts kinks in a whole network's
        // loss that finite differences straddle; freezing works the same for every attention.
        var resnet = Self.resnet
        resnet.attention = .se
        // A whole network at batch 2: the finite differences of SE's first Linear straddle
        // ReLU kinks in its MLP and spread by ~20 % across step sizes; the best of them is
        // 1.6–2.1 % from the analytic gradient, which padding the channels to a block did not
        // change (4e-6). A missing term is still 10–100 % off.
        check.tolerance = 3e-2
        for (configuration, frozen) in [(resnet, 2), (Self.vit, 1)] {
            let model = configuration.makeModel(seed: 3)
            check.perturb(model.parameters)
            _ = model.forward(check.random([4, 3, configuration.imageSize, configuration.imageSize]), .training)  // running statistics ≠ 0, 1
            model.frozenStages = frozen
            let trainable = model.trainableParameters
            let x = check.random([2, 3, configuration.imageSize, configuration.imageSize])
            check.check("\(configuration.name) frozen \(frozen)", tensors: trainable.map { ($0.key, $0.parameter.value) },
                        forward: { model.forward(x, .training) },
                        backward: { dy in
                            model.backward(dy, inputGradient: false)
                            return trainable.map { $0.parameter.gradient }
                        })
        }
    }

    func testFrozenStagesKeepTheirWeightsAndTheHeadIsNewForOtherClasses() throws {
        let data = try SyntheticImageFolder(perClass: 8)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-finetune-\(UUID().uuidString)")
        defer { data.remove(); try? FileManager.default.removeItem(at: output) }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)

        // A starting model trained elsewhere on other classes: random weights, moved statistics.
        let start = Self.resnet.makeModel(seed: 9)
        check.perturb(start.parameters)
        _ = start.forward(check.random([4, 3, 12, 12]), .training)
        let startURL = output.appendingPathComponent("start.safetensors")
        try ModelFile.save(start, metadata: ModelMetadata(configuration: Self.resnet, classNames: ["a", "b", "c"],
                                                          mean: [0.4, 0.5, 0.6], std: [0.2, 0.25, 0.3]), to: startURL)
        let startingModel = try StartingModel(contentsOf: startURL)

        let split = try DataSplit(root: data.root.path, validationShare: 0.25, seed: 0)
        let training = ImageSet.load(split.training, imageSize: 12, channels: 3, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        let validation = ImageSet.load(split.validation, imageSize: 12, channels: 3, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        var options = TrainingOptions.defaults(for: try startingModel.configuration(classes: 3, imageSize: nil), epochs: 2, seed: 5)
        options.fineTune(from: startingModel.fileName, freezing: 2)
        options.batchSize = 6
        XCTAssertEqual(options.learningRate, TrainingOptions.OptimizerKind.sgd.defaultFineTuningLearningRate)
        XCTAssertNoThrow(try options.validate())
        let trainer = try Trainer(options: options, classNames: split.classNames, training: training, validation: validation,
                                  modelURL: output.appendingPathComponent("tuned.safetensors"), startingFrom: startingModel)
        // Another set of classes: a fresh head (the seed's), the rest from the file.
        XCTAssertFalse(startingModel.keepsHead(for: split.classNames))
        let fresh = Self.resnet.makeModel(seed: 5)
        XCTAssertEqual(trainer.network.state.first { $0.key == "fc.weight" }!.tensor.scalars,
                       fresh.state.first { $0.key == "fc.weight" }!.tensor.scalars)
        XCTAssertEqual(trainer.metadata.mean, [0.4, 0.5, 0.6])
        XCTAssertEqual(try trainer.run(), .finished)

        let before = Dictionary(uniqueKeysWithValues: start.state.map { ($0.key, $0.tensor.scalars) })
        for (key, tensor) in trainer.network.state where key != "fc.weight" && key != "fc.bias" && !key.hasSuffix("num_batches_tracked") {
            let frozen = key.hasPrefix("conv1.") || key.hasPrefix("bn1.") || key.hasPrefix("layer1.")
            if frozen {
                XCTAssertEqual(tensor.scalars, before[key], "\(key) is frozen")
            } else if key.hasSuffix("weight") && !key.contains("SpatialGate") {
                XCTAssertNotEqual(tensor.scalars, before[key], "\(key) trains")
            }
        }
        // The same classes keep the file's head.
        let kept = try startingModel.network(Self.resnet, classNames: ["a", "b", "c"], seed: 5)
        XCTAssertEqual(kept.state.first { $0.key == "fc.weight" }!.tensor.scalars, before["fc.weight"])
    }

    func testAViTFineTunesAtItsOwnSizeAndFreezeIsBounded() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-vit-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try ModelFile.save(Self.vit.makeModel(seed: 1), metadata: ModelMetadata(configuration: Self.vit, classNames: ["a", "b", "c"],
                                                                                mean: [0, 0, 0], std: [1, 1, 1]), to: url)
        let startingModel = try StartingModel(contentsOf: url)
        XCTAssertThrowsError(try startingModel.configuration(classes: 2, imageSize: 16)) { error in
            XCTAssertTrue("\(error)".contains("--image-size 8"), "\(error)")
        }
        var options = TrainingOptions.defaults(for: try startingModel.configuration(classes: 2, imageSize: 8), epochs: 1)
        options.fineTune(from: startingModel.fileName, freezing: 4)
        XCTAssertThrowsError(try options.validate()) { error in
            XCTAssertEqual((error as? TrainingOptions.Invalid)?.option, "--freeze")
        }
        XCTAssertEqual(options.learningRate, TrainingOptions.OptimizerKind.adamw.defaultFineTuningLearningRate)
    }
}
