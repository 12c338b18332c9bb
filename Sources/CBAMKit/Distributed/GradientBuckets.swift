import Foundation

/// Sums the gradients across the ranks in buckets, each started as soon as backward has
/// finished every parameter in it — PyTorch DDP's and Horovod's scheme — so that the
/// sums of the last layers travel while backward still works on the first ones.
///
/// Buckets hold the parameters in reverse order (the order backward finishes them) and
/// start strictly one after another, so every rank issues the same collectives in the
/// same order. Call `finished(_:)` as backward completes each module, then `wait()`
/// before the optimiser step: it starts what is left and copies the sums back.
final class GradientBuckets {
    private struct Bucket {
        let parameters: [Parameter]
        let buffer: UnsafeMutableBufferPointer<Float>
        var pending: PendingSum?
    }

    private let communicator: Communicator
    private var buckets: [Bucket]
    private var ready = Set<ObjectIdentifier>()
    private var started = 0

    /// `bucketFloats`: about 1 MB a bucket, small enough to start early in a small network.
    init(_ parameters: [Parameter], communicator: Communicator, bucketFloats: Int = 1 << 18) {
        self.communicator = communicator
        var groups: [[Parameter]] = [[]]
        var filled = 0
        for parameter in parameters.reversed() {
            if filled >= bucketFloats { groups.append([]); filled = 0 }
            groups[groups.count - 1].append(parameter)
            filled += parameter.value.count
        }
        buckets = groups.filter { !$0.isEmpty }.map { group in
            Bucket(parameters: group, buffer: .allocate(capacity: group.reduce(0) { $0 + $1.value.count }), pending: nil)
        }
    }

    deinit { buckets.forEach { $0.buffer.deallocate() } }

    /// Backward has written the final gradients of `module`'s parameters.
    func finished(_ module: Module) {
        for (_, parameter) in module.parameters { ready.insert(ObjectIdentifier(parameter)) }
        while started < buckets.count, buckets[started].parameters.allSatisfy({ ready.contains(ObjectIdentifier($0)) }) {
            start(started)
        }
        // Open MPI moves non-blocking operations along only inside MPI calls.
        for bucket in buckets[..<started] { _ = bucket.pending?.isFinished }
    }

    /// Starts the buckets not started yet, waits for all, and writes the sums into the gradients.
    func wait() {
        while started < buckets.count { start(started) }
        for i in buckets.indices {
            if let pending = buckets[i].pending { communicator.wait(pending) }
            var offset = 0
            for parameter in buckets[i].parameters {
                let count = parameter.value.count
                parameter.gradient.data.update(from: buckets[i].buffer.baseAddress! + offset, count: count)
                offset += count
            }
            buckets[i].pending = nil
        }
        ready.removeAll(keepingCapacity: true)
        started = 0
    }

    private func start(_ i: Int) {
        var offset = 0
        for parameter in buckets[i].parameters {
            let count = parameter.value.count
            (buckets[i].buffer.baseAddress! + offset).update(from: parameter.gradient.data, count: count)
            offset += count
        }
        buckets[i].pending = communicator.startSum(buckets[i].buffer)
        started += 1
    }
}
