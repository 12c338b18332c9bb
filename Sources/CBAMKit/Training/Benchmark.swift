import Foundation
import OneDNN

/// Throughput of a network on random data: what `cbam bench` reports.
public struct NetworkBenchmark {
    public struct Result: Codable {
        public var framework = "cbam"
        public var model: String
        /// The arithmetic of the convolutions and matrix products ("fp32", "bf16").
        public var precision: String
        public var channels: Int
        public var imageSize: Int
        public var threads: Int
        public var parameters: Int
        public var mflopsPerImage: Double
        public var trainImagesPerSecond: Double
        public var inferImagesPerSecond: Double
        public var latencyMilliseconds: Double
        /// Peak resident memory of the process after the training runs (VmHWM).
        public var peakMemoryMB: Double
        /// Resident memory with the model and the batch built, before the first step: the
        /// peak less this is what training adds (activations, gradients, optimiser state).
        public var baseMemoryMB: Double
        /// Share of a training step's time per kind of layer (with `profile`).
        public var trainingTimeShares: [String: Double]?
        /// Share of an inference batch's time per kind of layer (with `profile`).
        public var inferenceTimeShares: [String: Double]?
        /// With `profile`, for a ResNet: the convolutions' GFLOP/s in a training step (forward,
        /// backward data, backward weights: 3× the forward FLOPs) and in inference, and this
        /// machine's FP32 peak on the same threads (`MachinePeak`).
        public var convolutionTrainGFLOPs: Double?
        public var convolutionInferGFLOPs: Double?
        public var peakGFLOPs: Double?
        /// With `profile`, on a CPU with AVX-512 BF16: the peak of its bf16 dot products on
        /// the same threads, which says whether bf16 can be the faster arithmetic here.
        public var bf16PeakGFLOPs: Double?

        enum CodingKeys: String, CodingKey {
            case framework, model, precision, channels, threads, parameters
            case imageSize = "image_size", mflopsPerImage = "mflops_per_image"
            case trainImagesPerSecond = "train_images_per_s", inferImagesPerSecond = "infer_images_per_s"
            case latencyMilliseconds = "latency_ms", peakMemoryMB = "peak_memory_mb", baseMemoryMB = "base_memory_mb", trainingTimeShares = "train_time_shares"
            case inferenceTimeShares = "infer_time_shares", convolutionTrainGFLOPs = "conv_train_gflops"
            case convolutionInferGFLOPs = "conv_infer_gflops", peakGFLOPs = "fp32_peak_gflops"
            case bf16PeakGFLOPs = "bf16_peak_gflops"
        }
    }

    /// The network, its training batch and its optimiser.
    public var options: TrainingOptions
    public var configuration: ModelConfiguration { options.model }
    public var trainBatch: Int { options.batchSize }
    public static let defaultInferenceBatch = 256
    public static let defaultRounds = 7
    public var inferenceBatch = defaultInferenceBatch
    public var rounds = defaultRounds
    /// Batch-1 forward passes timed for the latency.
    public var latencyRounds = 51
    /// Also time each kind of layer during extra training steps.
    public var profile = false

    public init(options: TrainingOptions) { self.options = options }

    public func run(name: String) -> Result {
        let work = BenchmarkWorkload(self)
        let base = peakResidentMegabytes()
        let train = RoundTimer.median(RoundTimer.times(rounds, warmup: 2, work.trainingRound)) / Double(BenchmarkWorkload.stepsPerRound)
        let peak = peakResidentMegabytes()
        let trainProfile = profile ? timeShares(work.trainingStep) : nil
        let inferenceProfile = profile ? timeShares(work.inferenceBatch) : nil
        /// GFLOP/s of the convolutions in a profiled run of `images` images, `passes` × the forward FLOPs.
        func convolutionGFLOPs(_ run: (shares: [String: Double], seconds: Double)?, images: Int, passes: Int) -> Double? {
            let share = run.map { Profiler.share(of: "convolution", in: $0.shares) } ?? 0
            guard let run, configuration.convolutionFLOPsPerImage > 0, share > 0 else { return nil }
            return Double(passes * images * configuration.convolutionFLOPsPerImage) / (share * run.seconds) / 1e9
        }
        let infer = RoundTimer.median(RoundTimer.times(rounds, warmup: 2, work.inferenceBatch))
        let latency = RoundTimer.median(RoundTimer.times(latencyRounds, warmup: 10, work.singleImage))
        return Result(model: name, precision: options.precision.rawValue, channels: configuration.channels,
                      imageSize: configuration.imageSize, threads: Parallel.threadCount,
                      parameters: work.model.parameterCount,
                      mflopsPerImage: Double(work.model.forwardFLOPsPerImage) / 1e6,
                      trainImagesPerSecond: Double(trainBatch) / train,
                      inferImagesPerSecond: Double(inferenceBatch) / infer,
                      latencyMilliseconds: latency * 1000, peakMemoryMB: peak, baseMemoryMB: base,
                      trainingTimeShares: trainProfile?.shares, inferenceTimeShares: inferenceProfile?.shares,
                      convolutionTrainGFLOPs: convolutionGFLOPs(trainProfile, images: trainBatch, passes: 3),
                      convolutionInferGFLOPs: convolutionGFLOPs(inferenceProfile, images: inferenceBatch, passes: 1),
                      peakGFLOPs: profile ? MachinePeak.fp32GFLOPs(threads: Parallel.threadCount) : nil,
                      bf16PeakGFLOPs: profile ? MachinePeak.bf16GFLOPs(threads: Parallel.threadCount) : nil)
    }

    /// Each kind of layer's share of `body`'s time over five runs, and the seconds of one run.
    private func timeShares(_ body: () -> Void) -> (shares: [String: Double], seconds: Double) {
        Profiler.reset()
        Profiler.isEnabled = true
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<5 { body() }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        Profiler.isEnabled = false
        var result = Dictionary(uniqueKeysWithValues: Profiler.report.map { ($0.kind, $0.seconds / total) })
        result["other (pooling, head, loss, optimiser)"] = 1 - result.values.reduce(0, +)
        return (result, total / 5)
    }

    private func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}
