/// One rank's share of a run of items: the contiguous slice `rank` of `size` nearly
/// equal slices (sizes differ by at most one). A single process's shard is everything.
public struct Shard: Equatable, Sendable {
    public let rank: Int
    public let size: Int

    public init(rank: Int, of size: Int) {
        precondition(size >= 1 && (0..<size).contains(rank), "rank \(rank) of \(size)")
        (self.rank, self.size) = (rank, size)
    }

    public static let whole = Shard(rank: 0, of: 1)

    /// This rank's positions among `count` items.
    public func range(of count: Int) -> Range<Int> {
        (count * rank / size)..<(count * (rank + 1) / size)
    }
}

public extension Communicator {
    var shard: Shard { Shard(rank: rank, of: size) }
}
