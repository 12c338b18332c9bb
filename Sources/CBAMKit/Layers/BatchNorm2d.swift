import Foundation

/// BatchNorm over the channels of a 4-D activation (Ioffe & Szegedy, 2015), blocked
/// or plain, with PyTorch's conventions:
///
///     y = γ·(x − μ)/√(σ² + ε) + β   per channel, then ReLU when `fusedReLU`
///
/// ε 1e-5, momentum 0.1 unless told otherwise; in training μ and σ² are the batch's (σ² biased) and the
/// running estimates move towards them (σ² unbiased there); otherwise the running
/// estimates are used. The passes are `ChannelKernels`' per-channel sums and affine map.
public final class BatchNorm2d: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Tensor
    public let runningVariance: Tensor
    /// PyTorch keeps this counter as int64; the model file writes it so.
    public let batchesTracked: Tensor
    public let epsilon: Float = 1e-5
    public let momentum: Float
    public let fusedReLU: Bool
    /// Sync BatchNorm (`cbam train --sync-batchnorm` under mpirun): batch statistics over
    /// the global batch — every rank's per-channel sums added — so that the ranks together
    /// compute what one process with the whole batch would. nil: this process's batch alone.
    public var globalBatch: Communicator?

    // Saved by forward for backward. Not the output: the fused ReLU's gate is recomputed
    // from the input, so the output lives only as long as the layer after needs it.
    private var input: Tensor?
    private var forwardAffine: ChannelKernels.ReLUGate?
    private var mean: [Float] = []
    private var inverseStd: [Float] = []
    private var usedBatchStatistics = false

    /// γ = `scale` (1 as PyTorch; CBAM's spatial gate starts at 0), β = 0.
    public init(_ channels: Int, fusedReLU: Bool = false, scale: Float = 1, momentum: Float = 0.1) {
        weight = Parameter(Tensor(shape: [channels], values: Array(repeating: scale, count: channels)))
        self.momentum = momentum
        bias = Parameter(Tensor.zeros([channels]))
        runningMean = Tensor.zeros([channels])
        runningVariance = Tensor(shape: [channels], values: Array(repeating: 1, count: channels))
        batchesTracked = Tensor.zeros([1])
        self.fusedReLU = fusedReLU
    }

    public var parameters: [(key: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }
    public var buffers: [(key: String, tensor: Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVariance), ("num_batches_tracked", batchesTracked)]
    }

    public func forward(_ x: Tensor, _ mode: Mode) -> Tensor { forward(x, mode, pooledInto: nil) }

    /// The forward, pooling its output over space as it writes it (`SpatialPooling`,
    /// each maximum located when the mode keeps activations): what an attention after
    /// it starts from, without reading the output again. x must be blocked.
    public func forwardPooling(_ x: Tensor, _ mode: Mode) -> (output: Tensor, pooled: SpatialPooling) {
        var output: Tensor?
        let pooled = SpatialPooling.collecting(like: x, locatingMaxima: mode.keepsActivations) { writer in
            output = forward(x, mode, pooledInto: writer)
        }
        return (output!, pooled)
    }

    private func forward(_ x: Tensor, _ mode: Mode, pooledInto pooled: SpatialPooling.Writer?) -> Tensor {
        Profiler.measure("batchnorm") {
            let c = x.channels
            if mode.usesBatchStatistics {
                let (localSum, localSumOfSquares) = ChannelKernels.sums(x, x)
                let (sum, sumOfSquares, m) = acrossRanks(localSum, localSumOfSquares, count: x.count / c)
                var mean = [Float](repeating: 0, count: c), variance = mean
                var (runningMean, runningVariance) = (self.runningMean.scalars, self.runningVariance.scalars)
                for i in 0..<c {
                    let mu = sum[i] / m
                    let v = max(sumOfSquares[i] / m - mu * mu, 0)
                    mean[i] = Float(mu)
                    variance[i] = Float(v)
                    runningMean[i] = (1 - momentum) * runningMean[i] + momentum * Float(mu)
                    let unbiased = m > 1 ? v * m / (m - 1) : v
                    runningVariance[i] = (1 - momentum) * runningVariance[i] + momentum * Float(unbiased)
                }
                self.runningMean.assign(runningMean)
                self.runningVariance.assign(runningVariance)
                batchesTracked.assign([batchesTracked.scalars[0] + 1])
                self.mean = mean
                inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
            } else {
                mean = runningMean.scalars
                inverseStd = runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
            }
            let (gamma, beta) = (weight.value.scalars, bias.value.scalars)
            let scale = (0..<c).map { gamma[$0] * inverseStd[$0] }
            let shift = (0..<c).map { beta[$0] - mean[$0] * scale[$0] }
            let y = ChannelKernels.affine(x, uScale: scale, shift: shift, relu: fusedReLU, pooledInto: pooled)
            usedBatchStatistics = mode.usesBatchStatistics
            input = mode.keepsActivations ? x : nil
            forwardAffine = mode.keepsActivations && fusedReLU ? ChannelKernels.ReLUGate(scale: scale, shift: shift) : nil
            return y
        }
    }

    /// The affine map y = scale·x + shift that inference applies, from the running statistics.
    public var inferenceAffine: (scale: [Float], shift: [Float]) {
        let (gamma, beta, mean, variance) = (weight.value.scalars, bias.value.scalars, runningMean.scalars, runningVariance.scalars)
        let scale = gamma.indices.map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
        let shift = beta.indices.map { beta[$0] - mean[$0] * scale[$0] }
        return (scale, shift)
    }

    /// With dz = dy (where the fused ReLU passed) and x̂ = (x − μ)/σ:
    ///
    ///     ∂γ = Σ dz·x̂,   ∂β = Σ dz,   ∂x = γ/σ·(dz − mean(dz) − x̂·mean(dz·x̂))
    ///
    /// (∂x = γ/σ·dz alone after a forward on running statistics: μ and σ are constants then.)
    public func backward(_ dy: Tensor) -> Tensor {
        Profiler.measure("batchnorm") {
            guard let x = input else { preconditionFailure("BatchNorm2d.backward without a forward that keeps activations") }
            let c = x.channels
            // dz = dy (where the ReLU passed); Σdz and Σdz·x give both parameter gradients
            // (this rank's share of them: the gradient sum adds the others'); ∂x needs the
            // sums over the batch the statistics came from.
            let (sumDz, sumDzX) = ChannelKernels.sums(dy, x, gate: forwardAffine)
            let (batchSumDz, batchSumDzX, m) = usedBatchStatistics ? acrossRanks(sumDz, sumDzX, count: x.count / c)
                                                                   : (sumDz, sumDzX, Double(x.count / c))
            var k = [Float](repeating: 0, count: c), p = k, q = k
            var weightGradient = k, biasGradient = k
            let gammas = weight.value.scalars
            for i in 0..<c {
                let mu = Double(mean[i]), inv = Double(inverseStd[i])
                let sumDzXhat = (sumDzX[i] - mu * sumDz[i]) * inv
                weightGradient[i] = Float(sumDzXhat)
                biasGradient[i] = Float(sumDz[i])
                let gamma = Double(gammas[i])
                k[i] = Float(gamma * inv)
                if usedBatchStatistics {
                    // dx = γ·σ⁻¹·(dz − mean(dz) − x̂·mean(dz·x̂)), written as k·dz + p·x + q.
                    let batchSumDzXhat = (batchSumDzX[i] - mu * batchSumDz[i]) * inv
                    let pi = -gamma * inv * inv * batchSumDzXhat / m
                    p[i] = Float(pi)
                    q[i] = Float(-gamma * inv * batchSumDz[i] / m - pi * mu)
                }
            }
            weight.gradient.assign(weightGradient)
            bias.gradient.assign(biasGradient)
            return ChannelKernels.affine(dy, uScale: k, gate: forwardAffine, v: x, vScale: p, shift: q, relu: false)
        }
    }

    /// Two per-channel sums and the values per channel they add, over the global batch
    /// with `globalBatch` (one allreduce), else as they are.
    private func acrossRanks(_ u: [Double], _ v: [Double], count: Int) -> (u: [Double], v: [Double], count: Double) {
        guard let globalBatch, globalBatch.isDistributed else { return (u, v, Double(count)) }
        let summed = globalBatch.sum(u + v + [Double(count)])
        return (Array(summed[..<u.count]), Array(summed[u.count..<(2 * u.count)]), summed[2 * u.count])
    }
}
