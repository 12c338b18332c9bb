import OneDNN

/// How a training run is spread over ranks (DESIGN.md, "Beyond one machine"): every
/// rank holds the whole model and prepares its shard of each global batch; the
/// gradients are summed in buckets during backward; rank 0 alone writes files.
public struct DataParallel {
    public let communicator: Communicator
    /// BatchNorm on the global batch's statistics; otherwise each rank's own (PyTorch DDP's default).
    public let syncBatchNorm: Bool

    public init(_ communicator: Communicator, syncBatchNorm: Bool = false) {
        self.communicator = communicator
        self.syncBatchNorm = syncBatchNorm
    }

    public static var singleProcess: DataParallel { DataParallel(SingleProcess()) }

    /// The arithmetic every rank trains in, from each rank's own choice: bf16 only where
    /// every rank chose it, else fp32. `--precision auto` times a probe on each rank, and
    /// different hosts, or timings near the threshold, can choose differently; ranks that
    /// computed in different precisions would no longer compute what one process does.
    public func agreed(_ precision: Precision) -> Precision {
        guard communicator.isDistributed else { return precision }
        let votes = communicator.sum([precision == .bf16 ? 1 : 0])[0]
        return votes == Double(communicator.size) ? .bf16 : .fp32
    }

    /// Points every BatchNorm of `network` at the global batch when `syncBatchNorm`.
    func configure(_ network: Module) {
        guard syncBatchNorm, communicator.isDistributed else { return }
        for case let norm as BatchNorm2d in network.descendants { norm.globalBatch = communicator }
    }
}

extension Module {
    /// This module and every module below it, depth first.
    var descendants: [Module] { [self] + children.flatMap { $0.module.descendants } }
}
