import ArgumentParser
import CBAMKit
import XCTest
@testable import cbam

/// Random and boundary values in every metadata field of a model file (1 000 files; with
/// OptionFuzzTests' 2 400 option sets, 3 400 cases), classified
/// through `cbam classify`: each file is refused with an error that names it, or
/// loads and classifies. No signal, no abort, no allocation over 1 GB.
final class ModelFileFuzzTests: XCTestCase {
    private static let fields = ModelConfiguration.Field.allCases.map(\.metadataKey).filter { $0 != "classes" }
        + ["classes", "mean", "std", "format"]

    func testRandomAndBoundaryMetadataValues() throws {
        let fixtures = try FuzzFixtures()
        let originals = try fixtures.models.map { try SafeTensors(contentsOf: $0) }
        let file = fixtures.folder.appendingPathComponent("fuzzed.safetensors")
        var generator = RandomGenerator(seed: 10)
        var refused = 0, loaded = 0
        _ = try TrainedModel(contentsOf: fixtures.models[0])   // threads and arenas before the ceiling
        try MemoryCeiling.run(headroom: 1 << 30) {
            for _ in 0..<1000 {
                var raw = originals[Int(generator.next() % UInt64(originals.count))]
                for _ in 0...(generator.next() % 3) {
                    let key = Self.fields[Int(generator.next() % UInt64(Self.fields.count))]
                    raw.metadata[key] = value(for: key, using: &generator)
                }
                try raw.write(to: file)
                let classify = try XCTUnwrap(try CBAM.parseAsRoot(["classify", fixtures.image.path, "--model", file.path]) as? Classify)
                do {
                    try silencingStandardOutput { try classify.run() }
                    loaded += 1
                } catch {
                    let message = CBAM.message(for: error)
                    XCTAssertTrue(message.hasPrefix("fuzzed.safetensors: "), "\(raw.metadata): '\(message)'")
                    XCTAssertEqual(CBAM.exitCode(for: error).rawValue, 1, message)
                    refused += 1
                }
            }
        }
        XCTAssertGreaterThan(refused, 500)
        XCTAssertGreaterThan(loaded, 25)
    }

    private func value(for key: String, using generator: inout RandomGenerator) -> String? {
        switch (key, generator.next() % 6) {
        case (_, 0): return nil   // the key is missing
        case ("classes", _):
            let count = [0, 1, 2, 3, 4, 100_001][Int(generator.next() % 6)]
            return "[" + (0..<count).map { "\"c\($0)\"" }.joined(separator: ",") + "]"
        case ("mean", _), ("std", _):
            let values = (0..<Int(generator.next() % 5)).map { _ in FuzzValues.value(real: true, using: &generator) }
            return "[" + values.joined(separator: ", ") + "]"
        case ("architecture", _): return ["resnet-small", "vit-tiny", "resnet50", ""][Int(generator.next() % 4)]
        case ("attention", _): return ["none", "se", "cbam", "CBAM"][Int(generator.next() % 4)]
        case ("format", _): return ["cbam-model-1", "cbam-model-2"][Int(generator.next() % 2)]
        default: return FuzzValues.value(real: false, using: &generator)
        }
    }
}
