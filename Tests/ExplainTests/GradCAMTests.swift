import XCTest
import CBAMKit

/// Grad-CAM's gradient against finite differences, and its map against CAM.
final class GradCAMTests: XCTestCase {
    /// A tiny CBAM network after a forward in `.explaining` mode on two images.
    private func explainedNetwork(_ kind: ModelConfiguration.Kind = .cbam) -> (ResNet, Tensor) {
        let configuration = TinyModels.configuration(kind, channels: 1, imageSize: 12)
        let network = ResNet(configuration, seed: 21)
        _ = network.forward(TinyModels.randomImages(count: 4, configuration: configuration, seed: 1), .training)
        let images = TinyModels.randomImages(count: 2, configuration: configuration, seed: 2)
        _ = network.forward(images, .explaining)
        return (network, images)
    }

    private static let classes = [2, 0]

    /// Σ_i logit[i, classes[i]].
    private static func classLogits(_ logits: Tensor) -> Double {
        classes.enumerated().reduce(0) { $0 + Double(logits.data[$1.offset * logits.shape[1] + $1.element]) }
    }

    private static func dot(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Perturbs the last stage's output A along a random direction v and re-runs the rest
    /// of the network (global average pooling and the linear head): the change of the
    /// class logits must be ⟨∂y/∂A, v⟩.
    func testClassGradientMatchesFiniteDifferencesOfTheHead() {
        let (network, _) = explainedNetwork()
        let gradient = GradCAM.classGradient(of: network, classes: Self.classes)
        let features = network.features!.reordered(to: .plain)
        let (n, c, hw) = (features.batch, features.channels, features.spatial)
        XCTAssertEqual(gradient.shape, features.shape)
        var generator = RandomGenerator(seed: 4)
        let direction = (0..<features.count).map { _ in generator.nextNormal() }
        func logits(at h: Float) -> Double {
            let pooled = Tensor(shape: [n, c], values: (0..<(n * c)).map { row in
                (0..<hw).reduce(Float(0)) { $0 + features.data[row * hw + $1] + h * direction[row * hw + $1] } / Float(hw)
            })
            return Self.classLogits(network.fc.forward(pooled, .inference))
        }
        let step: Float = 1e-2
        let numeric = (logits(at: step) - logits(at: -step)) / (2 * Double(step))
        let analytic = Self.dot(gradient.scalars, direction)
        XCTAssertEqual(analytic, numeric, accuracy: 1e-3 * max(abs(numeric), 1e-2))
        XCTAssertGreaterThan(abs(analytic), 1e-3, "a zero gradient would pass trivially")
    }

    /// The whole path: moving the input along v moves A by ΔA and the logits by Δy. The
    /// head after A is linear, so Δy = ⟨∂y/∂A, ΔA⟩ must hold for the network's own A and y.
    func testClassGradientPredictsLogitChangesThroughTheWholeNetwork() {
        let (network, images) = explainedNetwork()
        let gradient = GradCAM.classGradient(of: network, classes: Self.classes).scalars
        var generator = RandomGenerator(seed: 6)
        let direction = (0..<images.count).map { _ in generator.nextNormal() }
        func run(at h: Float) -> (logits: Double, features: [Float]) {
            let moved = Tensor(shape: images.shape, values: (0..<images.count).map { images.data[$0] + h * direction[$0] })
            let logits = network.forward(moved, .explaining)
            return (Self.classLogits(logits), network.features!.scalars)
        }
        let (plus, minus) = (run(at: 1e-2), run(at: -1e-2))
        let predicted = Self.dot(gradient, zip(plus.features, minus.features).map { $0 - $1 })
        let actual = plus.logits - minus.logits
        XCTAssertGreaterThan(abs(actual), 1e-4, "the step must move the logits")
        XCTAssertEqual(predicted, actual, accuracy: 1e-3 * abs(actual) + 1e-5)
    }

    /// With an average-pool head, Grad-CAM is CAM: ReLU(Σ_k W_ck A_k), scaled to a maximum of 1.
    func testGradCAMEqualsCAM() {
        let (network, _) = explainedNetwork()
        let maps = GradCAM.maps(of: network, classes: Self.classes)
        let features = network.features!.reordered(to: .plain)
        let (c, hw) = (features.channels, features.spatial)
        let weights = network.fc.weight.value
        for (image, cls) in Self.classes.enumerated() {
            var cam = [Float](repeating: 0, count: hw)
            for k in 0..<c {
                for p in 0..<hw { cam[p] += weights.data[cls * c + k] * features.data[(image * c + k) * hw + p] }
            }
            let expected = ScalarMap(width: features.width, height: features.height, values: cam.map { max($0, 0) }).scaledToMaximum()
            XCTAssertEqual(maps[image].width, 3)
            XCTAssertEqual(maps[image].height, 3)
            for (a, b) in zip(maps[image].values, expected.values) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
    }

    func testGradCAMMapsOfEveryCNNAreInZeroToOne() {
        for kind in [ModelConfiguration.Kind.plain, .se, .cbam] {
            let (network, _) = explainedNetwork(kind)
            for map in GradCAM.maps(of: network, classes: Self.classes) {
                XCTAssertTrue(map.values.allSatisfy { (0...1).contains($0) }, "\(kind)")
                XCTAssertTrue(map.values.max() == 1 || map.values.allSatisfy { $0 == 0 }, "\(kind): scaled to a maximum of 1")
            }
        }
    }
}
