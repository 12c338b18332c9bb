import Foundation
import OpenMPI

/// The ranks `mpirun` started, over Open MPI (loaded at run time: see `OpenMPI`).
public final class MPICommunicator: Communicator {
    private let mpi: OpenMPI

    /// The communicator of this process: MPI's when `mpirun` launched it, else a single process.
    public static func forThisProcess() throws -> Communicator {
        guard OpenMPI.launchedByMPIRun else { return SingleProcess() }
        do { return MPICommunicator(try OpenMPI()) } catch {
            throw TrainingError(reason: "launched by mpirun, but \(error)")
        }
    }

    private init(_ mpi: OpenMPI) { self.mpi = mpi }

    public var rank: Int { mpi.rank }
    public var size: Int { mpi.size }
    public var ranksOnThisHost: Int { mpi.localSize }

    public private(set) var secondsCommunicating = 0.0

    public func sum(_ values: [Double]) -> [Double] {
        var values = values
        timed { values.withUnsafeMutableBufferPointer { mpi.sum($0.baseAddress!, count: $0.count) } }
        return values
    }

    public func startSum(_ buffer: UnsafeMutableBufferPointer<Float>) -> PendingSum {
        Pending(mpi: mpi, operation: mpi.startSum(buffer.baseAddress!, count: buffer.count))
    }

    public func wait(_ pending: PendingSum) {
        timed { while !pending.isFinished { sched_yield() } }
    }

    private func timed(_ body: () -> Void) {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        secondsCommunicating += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    public func broadcast(_ tensor: Tensor, from root: Int) {
        mpi.broadcast(tensor.data, bytes: tensor.storageCount * MemoryLayout<Float>.size, root: root)
    }

    public func waitForAll() {
        let barrier = mpi.startBarrier()
        while !mpi.finished([barrier]) { usleep(500) }
    }

    public func finish() { mpi.finish() }

    private final class Pending: PendingSum {
        let mpi: OpenMPI
        let operation: OpenMPI.Pending
        private var done = false
        init(mpi: OpenMPI, operation: OpenMPI.Pending) { (self.mpi, self.operation) = (mpi, operation) }
        var isFinished: Bool {
            if !done { done = mpi.finished([operation]) }
            return done
        }
    }
}
