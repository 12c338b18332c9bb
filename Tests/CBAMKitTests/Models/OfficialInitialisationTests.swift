import CBAMKit
import Foundation
import XCTest

/// Every ResNet starts as the official CBAM code starts its networks: the statistics of
/// each kind of tensor, scaled by its fan so that any width compares, equal those of the
/// authors' own `ResidualNet` (Fixtures/official_init.json, from
/// Tests/PyTorch/make_init_fixture.py importing Jongchan/attention-module).
final class OfficialInitialisationTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Rule: Decodable {
            var fan: String?
            var scaledRMS: Double?
            var values: [Double]?
            var momentum: Double?
            enum CodingKeys: String, CodingKey { case fan, values, momentum, scaledRMS = "scaled_rms" }
        }
        var rules: [String: Rule]
    }

    private func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: FileTestSupport.fixture("official_init.json")))
    }

    /// The official init loop's kinds of tensor (make_init_fixture.py's `kind`); SE, which
    /// the official ResNet lacks, follows the same rules (DESIGN.md): its Linears are "mlp".
    private func kind(_ key: String) -> String? {
        let last = key.split(separator: ".").last!
        if key == "fc.weight" { return "fc.weight" }
        if last == "weight" && key.contains("conv") { return "conv.weight" }
        if last == "weight" && key.contains("bn") { return key.contains("SpatialGate") ? "spatial_bn.weight" : "bn.weight" }
        if last == "bias" { return "bias" }
        if key.contains("downsample.0") { return "downsample.weight" }
        if key.contains("mlp") || key.contains(".se.fc.") { return "mlp.weight" }
        if key.hasSuffix("downsample.1.weight") { return "bn.weight" }
        return nil
    }

    /// sqrt(mean((w·√fan)²)) over every tensor of each kind with a fan rule.
    private func scaledRMS(_ network: ImageClassifier, fans: [String: String]) -> [String: Double] {
        var sums: [String: Double] = [:], counts: [String: Int] = [:]
        for (key, parameter) in network.parameters {
            guard let kind = kind(key), let rule = fans[kind] else { continue }
            let shape = parameter.shape
            let receptive = shape.dropFirst(2).reduce(1, *)
            let fan = Double((rule == "in" ? shape[1] : shape[0]) * receptive)
            sums[kind, default: 0] += parameter.value.scalars.reduce(0) { $0 + Double($1) * Double($1) * fan }
            counts[kind, default: 0] += parameter.value.count
        }
        return sums.reduce(into: [:]) { rms, sum in rms[sum.key] = (sum.value / Double(counts[sum.key]!)).squareRoot() }
    }

    /// resnet-small, and the official ResNets themselves (ResNet-50 at a quarter width,
    /// to keep the test quick: the rules do not depend on the width).
    func testTheResNetsStartAsTheOfficialCode() throws {
        let fixture = try fixture()
        let fans = fixture.rules.compactMapValues(\.fan)
        XCTAssertEqual(Set(fans.keys), ["conv.weight", "fc.weight", "downsample.weight", "mlp.weight"])
        let networks: [(ModelConfiguration.Architecture, AttentionKind, width: Int)] = [
            (.resnetSmall, .cbam, 64), (.resnetSmall, .se, 64), (.resnet18, .cbam, 64), (.resnet50, .se, 16)]
        for (architecture, attention, width) in networks {
            let network = ModelConfiguration(architecture: architecture, attention: attention, channels: 3, imageSize: 32,
                                             classes: 10, width: width).makeModel(seed: 5)
            for (kind, rms) in scaledRMS(network, fans: fans) {
                let expected = try XCTUnwrap(fixture.rules[kind]?.scaledRMS)
                XCTAssertEqual(rms, expected, accuracy: 0.05 * expected, "\(architecture) \(attention) \(kind)")
            }
            for (key, parameter) in network.parameters {
                guard let kind = kind(key), let values = fixture.rules[kind]?.values else { continue }
                XCTAssertEqual(Set(parameter.value.scalars.map(Double.init)), Set(values), "\(architecture) \(attention) \(key)")
            }
        }
    }

    /// Ms = sigmoid(0) = 0.5 everywhere at the start, and the spatial gate's BatchNorm
    /// follows its running statistics with the official momentum.
    func testTheSpatialGateStartsHalfOpenWithTheOfficialMomentum() throws {
        let rules = try fixture().rules
        let network = try XCTUnwrap(ModelConfiguration(attention: .cbam, channels: 3, imageSize: 16, classes: 4, width: 8)
            .makeModel(seed: 1) as? ResNet)
        var generator = RandomGenerator(seed: 2)
        _ = network.forward(Tensor(shape: [2, 3, 16, 16], values: (0..<1536).map { _ in generator.nextNormal() }), .training)
        for (key, block) in network.blocks {
            let cbam = try XCTUnwrap(block.attention as? CBAM, key)
            XCTAssertEqual(cbam.spatialGate.norm.momentum, Float(try XCTUnwrap(rules["spatial_bn.weight"]?.momentum)), key)
            XCTAssertEqual(block.branch[0].norm.momentum, Float(try XCTUnwrap(rules["bn.weight"]?.momentum)), key)
            XCTAssertEqual(Set(try XCTUnwrap(cbam.spatialAttention).scalars), [0.5], key)
        }
    }
}
