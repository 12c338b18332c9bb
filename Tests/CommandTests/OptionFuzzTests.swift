import ArgumentParser
import CBAMKit
import XCTest
@testable import cbam

/// Random and boundary values for every numeric option of every command: each set is
/// refused as a usage error (exit 64) or accepted, and an accepted one builds and runs.
/// A signal or an abort ends the test process; an allocation over 1 GB fails under the
/// memory ceiling and does the same.
final class OptionFuzzTests: XCTestCase {
    /// A command's fixed arguments and its numeric options (true: takes a real number).
    private struct Command {
        var arguments: [String]
        var options: [(name: String, real: Bool)]
    }

    private static let input: [(String, Bool)] = [("--image-size", false), ("--channels", false)]
    private static let data: [(String, Bool)] = [("--val-split", true), ("--crop-padding", false), ("--cache-mb", false)]
    private static let size: [(String, Bool)] = [("--width", false), ("--depth", false), ("--reduction", false),
                                                  ("--patch-size", false), ("--heads", false)]
    private static let optimiser: [(String, Bool)] = [("--batch-size", false), ("--lr", true), ("--weight-decay", true),
                                                       ("--warmup-epochs", false), ("--label-smoothing", true)]

    private func commands(_ fixtures: FuzzFixtures) -> [Command] {
        let (image, model, folder) = (fixtures.image.path, fixtures.models[0].path, fixtures.folder.path)
        let kinds = ModelConfiguration.Kind.allCases.map(\.rawValue)
        return kinds.map { Command(arguments: ["train", "/nonexistent", "--model", $0],
                                   options: [("--epochs", false), ("--seed", false)] + Self.input + Self.data + Self.size + Self.optimiser) }
            + kinds.map { Command(arguments: ["compare", "/nonexistent", "--models", $0],
                                  options: [("--epochs", false), ("--seeds", false)] + Self.input + Self.data + Self.size + Self.optimiser) }
            + kinds.map { Command(arguments: ["bench", "--model", $0],
                                  options: [("--classes", false), ("--inference-batch", false), ("--rounds", false)]
                                            + Self.input + Self.size + Self.optimiser) }
            + [
                Command(arguments: ["bench", "attention"], options: [("--image-size", false), ("--training-images", false),
                        ("--width", false), ("--epochs", false), ("--seed", false), ("--threshold", false), ("--limit", false)]),
                Command(arguments: ["bench", "decode", image], options: [("--seconds", true), ("--rounds", false)]),
                Command(arguments: ["classify", image, "--model", model], options: [("--top-k", false)]),
                Command(arguments: ["evaluate", folder, "--model", model], options: [("--top-k", false)]),
                Command(arguments: ["attention", image, "--model", model, "--out", folder],
                        options: [("--opacity", true), ("--batch-size", false)]),
                Command(arguments: ["convert", image, folder + "/converted.png"],
                        options: [("--size", false), ("--channels", false), ("--max-pixels", false)]),
                Command(arguments: ["import-idx", "a", "b", "--out", folder, "--classes", "x,y"], options: [("--per-class", false)]),
                Command(arguments: ["import-idx", "a", "b", "--out", folder, "--classes", "x,y", "--split", "test"],
                        options: [("--clutter", false), ("--per-class", false)]),
                Command(arguments: ["localise", folder, "--model", model], options: [("--batch-size", false)]),
            ]
    }

    func testRandomAndBoundaryOptionValues() throws {
        let fixtures = try FuzzFixtures()
        let commands = commands(fixtures)
        var generator = RandomGenerator(seed: 2026)
        var accepted = 0, refused = 0, ran = 0
        warmUp()
        try MemoryCeiling.run(headroom: 1 << 30) {
            for _ in 0..<2400 {
                let command = commands[Int(generator.next() % UInt64(commands.count))]
                var arguments = command.arguments
                for _ in 0...(generator.next() % 3) {
                    let option = command.options[Int(generator.next() % UInt64(command.options.count))]
                    arguments += [option.name, FuzzValues.value(real: option.real, using: &generator)]
                }
                let parsed: ParsableCommand
                do { parsed = try CBAM.parseAsRoot(arguments) } catch {
                    XCTAssertEqual(CBAM.exitCode(for: error).rawValue, 64, "\(arguments): \(CBAM.message(for: error))")
                    refused += 1
                    continue
                }
                accepted += 1
                // A command may still fail on its input (exit 1 with a message); it must not crash.
                do { if try exercise(parsed, arguments) { ran += 1 } } catch let error as XCTSkip { throw error } catch {
                    XCTAssertFalse("\(error)".isEmpty, "\(arguments)")
                }
            }
        }
        XCTAssertGreaterThan(refused, 500)
        XCTAssertGreaterThan(accepted, 300)
        XCTAssertGreaterThan(ran, 100)
    }

    /// Runs what an accepted command would build: a small enough network through a
    /// training step, a classification, a conversion. Returns whether anything ran.
    private func exercise(_ parsed: ParsableCommand, _ arguments: [String]) throws -> Bool {
        switch parsed {
        case let train as Train:
            try step(try train.setup.options(train.kind, epochs: train.epochs ?? TrainingOptions.defaultEpochs, seed: 0, channels: train.input.channels ?? 3, classes: 10))
            return true
        case let compare as Compare:
            let kind = try XCTUnwrap(ModelConfiguration.Kind(rawValue: arguments[3]))
            try step(try compare.setup.options(kind, epochs: compare.epochs, seed: 0, channels: compare.input.channels ?? 3, classes: 10))
            return true
        case let bench as BenchNetwork:
            try step(try bench.benchedOptions())
            return true
        case let classify as Classify:
            try silencingStandardOutput { try classify.run() }
            return true
        case let convert as Convert:
            try convert.run()
            return true
        default:
            return false
        }
    }

    /// Accepted options are valid; a network small enough to be quick takes a training step.
    private func step(_ options: TrainingOptions) throws {
        try options.validate()
        let model = options.model
        guard model.parameterCount < 200_000, model.activationBytesPerImage < 4e6 else { return }
        let network = model.makeModel(seed: 0)
        let images = Tensor(shape: [2, model.channels, model.imageSize, model.imageSize],
                            values: [Float](repeating: 0.5, count: 2 * model.channels * model.imageSize * model.imageSize))
        let logits = network.forward(images, .training)
        network.backward(SoftmaxCrossEntropy()(logits, labels: [0, 1]).gradient, inputGradient: false)
    }

    /// Threads and their allocator arenas exist before the ceiling is set.
    private func warmUp() {
        let model = ModelConfiguration(attention: .cbam, channels: 3, imageSize: 16, classes: 10, width: 4)
        _ = model.makeModel(seed: 0).forward(Tensor(shape: [2, 3, 16, 16], values: [Float](repeating: 0, count: 1536)), .training)
    }
}
