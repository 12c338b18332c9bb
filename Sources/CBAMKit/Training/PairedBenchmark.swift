/// Two networks timed in alternating rounds in one process (A then B, then B then A),
/// so that whatever else the machine does falls on both alike. Their speed ratio is
/// the median of the rounds' own ratios: far steadier than two separate runs' figures
/// (`cbam bench --model cbam --against plain`).
public struct PairedBenchmark {
    public struct Figures: Codable {
        public var model: String
        public var trainImagesPerSecond: Double
        public var inferImagesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case model
            case trainImagesPerSecond = "train_images_per_s", inferImagesPerSecond = "infer_images_per_s"
        }
    }

    public struct Result: Codable {
        public var first: Figures
        public var second: Figures
        /// The first network's speed over the second's, the median of the rounds' ratios.
        public var trainingRatio: Double
        public var inferenceRatio: Double
        public var rounds: Int

        enum CodingKeys: String, CodingKey {
            case first, second, rounds
            case trainingRatio = "train_ratio", inferenceRatio = "infer_ratio"
        }
    }

    public var first: NetworkBenchmark
    public var second: NetworkBenchmark
    /// Timed rounds of each network, per figure.
    public var rounds = NetworkBenchmark.defaultRounds

    public init(_ first: NetworkBenchmark, _ second: NetworkBenchmark) {
        (self.first, self.second) = (first, second)
    }

    public func run() -> Result {
        let (a, b) = (BenchmarkWorkload(first), BenchmarkWorkload(second))
        let training = alternating(a.trainingRound, b.trainingRound)
        let inference = alternating(a.inferenceBatch, b.inferenceBatch)
        func figures(_ benchmark: NetworkBenchmark, train: [Double], infer: [Double]) -> Figures {
            let steps = Double(BenchmarkWorkload.stepsPerRound)
            return Figures(model: benchmark.configuration.name,
                           trainImagesPerSecond: Double(benchmark.trainBatch) * steps / RoundTimer.median(train),
                           inferImagesPerSecond: Double(benchmark.inferenceBatch) / RoundTimer.median(infer))
        }
        return Result(first: figures(first, train: training.a, infer: inference.a),
                      second: figures(second, train: training.b, infer: inference.b),
                      trainingRatio: medianRatio(training, images: (Double(first.trainBatch), Double(second.trainBatch))),
                      inferenceRatio: medianRatio(inference, images: (Double(first.inferenceBatch), Double(second.inferenceBatch))),
                      rounds: rounds)
    }

    /// Seconds of each round of `a` and of `b`, after two warm-up rounds of each; the
    /// order flips every round, so that a drift in the machine's speed favours neither.
    private func alternating(_ a: () -> Void, _ b: () -> Void) -> (a: [Double], b: [Double]) {
        for _ in 0..<2 { a(); b() }
        var (timesA, timesB) = ([Double](), [Double]())
        for round in 0..<rounds {
            if round % 2 == 0 {
                timesA.append(RoundTimer.seconds(a)); timesB.append(RoundTimer.seconds(b))
            } else {
                timesB.append(RoundTimer.seconds(b)); timesA.append(RoundTimer.seconds(a))
            }
        }
        return (timesA, timesB)
    }

    /// The median over rounds of the first network's images/s over the second's.
    private func medianRatio(_ times: (a: [Double], b: [Double]), images: (a: Double, b: Double)) -> Double {
        RoundTimer.median(zip(times.a, times.b).map { (images.a / $0) / (images.b / $1) })
    }
}
