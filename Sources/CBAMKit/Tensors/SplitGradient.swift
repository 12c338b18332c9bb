/// A gradient held as two summands, added by the pass that reads it rather than by a
/// pass of its own: a residual block's input gradient arrives through its branch and
/// through its shortcut, and the block before it adds the two while it masks them.
public struct SplitGradient {
    public let first: Tensor
    public let second: Tensor?

    public init(_ first: Tensor, _ second: Tensor? = nil) {
        precondition(second == nil || second!.shape == first.shape && second!.layout == first.layout)
        (self.first, self.second) = (first, second)
    }

    /// The sum, written out, for a reader that cannot add on the fly.
    var total: Tensor { second.map { Elementwise.add(first, $0) } ?? first }
}
