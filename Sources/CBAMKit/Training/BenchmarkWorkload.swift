import Foundation

/// One network of a `NetworkBenchmark` with its random batches and optimiser, built
/// once, so that a benchmark can time its passes in any order (`NetworkBenchmark.run`,
/// or two networks in alternating rounds, `PairedBenchmark`).
final class BenchmarkWorkload {
    let model: ImageClassifier
    private let trainImages: Tensor
    /// Made at their first use, so that the training figures' memory does not count them.
    private lazy var inferImages = images(inferenceBatchSize)
    private lazy var oneImage = images(1)
    private var generator = RandomGenerator(seed: 2)
    private let inferenceBatchSize: Int
    private let imageShape: (channels: Int, size: Int)
    private let labels: [Int]
    private let optimizer: Optimizer
    private let loss: SoftmaxCrossEntropy
    private let parameters: [(key: String, parameter: Parameter)]

    /// Training steps per timed training round: one step is too short to time alone.
    static let stepsPerRound = 3

    init(_ benchmark: NetworkBenchmark) {
        let configuration = benchmark.configuration, options = benchmark.options
        model = configuration.makeModel(seed: 1)
        model.use(options.precision)
        imageShape = (configuration.channels, configuration.imageSize)
        inferenceBatchSize = benchmark.inferenceBatch
        trainImages = Self.images(benchmark.trainBatch, imageShape, &generator)
        labels = (0..<benchmark.trainBatch).map { $0 % configuration.classes }
        optimizer = options.makeOptimizer()
        loss = SoftmaxCrossEntropy(labelSmoothing: options.labelSmoothing)
        parameters = model.parameters
    }

    /// `n` images of normally distributed pixels.
    private static func images(_ n: Int, _ shape: (channels: Int, size: Int), _ generator: inout RandomGenerator) -> Tensor {
        let count = n * shape.channels * shape.size * shape.size
        return Tensor(shape: [n, shape.channels, shape.size, shape.size], values: (0..<count).map { _ in generator.nextNormal() })
    }

    private func images(_ n: Int) -> Tensor { Self.images(n, imageShape, &generator) }

    /// Forward, backward and the optimiser's update on the training batch.
    func trainingStep() {
        let logits = model.forward(trainImages, .training)
        model.backward(loss(logits, labels: labels).gradient, inputGradient: false)
        optimizer.step(parameters)
    }

    /// `stepsPerRound` training steps.
    func trainingRound() {
        for _ in 0..<Self.stepsPerRound { trainingStep() }
    }

    /// One inference batch.
    func inferenceBatch() { _ = model.forward(inferImages, .inference) }

    /// One image's inference.
    func singleImage() { _ = model.forward(oneImage, .inference) }
}
