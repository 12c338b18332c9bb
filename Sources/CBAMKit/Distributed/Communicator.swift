/// The ranks of a data-parallel run, as the trainer sees them: who am I, how many are
/// we, and the few collective operations data parallelism needs. `SingleProcess` is
/// the ordinary run; `MPICommunicator` the ranks `mpirun` started. Every rank must call
/// the collective operations in the same order (they pair up across ranks by order).
public protocol Communicator: AnyObject {
    var rank: Int { get }
    var size: Int { get }
    /// Ranks on this host (they share its CPUs).
    var ranksOnThisHost: Int { get }
    /// Sums `values` across the ranks; every rank gets the sums.
    func sum(_ values: [Double]) -> [Double]
    /// Starts summing `buffer` across the ranks in place; `buffer` must stay allocated
    /// and untouched until the returned operation has finished.
    func startSum(_ buffer: UnsafeMutableBufferPointer<Float>) -> PendingSum
    /// Returns when `pending` has finished.
    func wait(_ pending: PendingSum)
    /// Seconds this process has spent blocked in `sum` and `wait`: what the sums cost
    /// beyond the computation they overlap.
    var secondsCommunicating: Double { get }
    /// Replaces `tensor`'s values with rank `root`'s.
    func broadcast(_ tensor: Tensor, from root: Int)
    /// Returns when every rank has called it, sleeping rather than spinning meanwhile
    /// (the others wait here while rank 0 writes files).
    func waitForAll()
    /// Ends the run's communication (`MPI_Finalize`); call once, after the last collective.
    func finish()
}

/// A sum in flight.
public protocol PendingSum: AnyObject {
    /// Whether it completed; asking also moves it along.
    var isFinished: Bool { get }
}

public extension Communicator {
    /// Rank 0 alone prints, logs and writes files.
    var isFirst: Bool { rank == 0 }
    var isDistributed: Bool { size > 1 }
}

/// One process: every collective is the identity.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var ranksOnThisHost: Int { 1 }
    public func sum(_ values: [Double]) -> [Double] { values }
    public func startSum(_ buffer: UnsafeMutableBufferPointer<Float>) -> PendingSum { Finished() }
    public func wait(_ pending: PendingSum) {}
    public var secondsCommunicating: Double { 0 }
    public func broadcast(_ tensor: Tensor, from root: Int) {}
    public func waitForAll() {}
    public func finish() {}

    private final class Finished: PendingSum {
        var isFinished: Bool { true }
    }
}
