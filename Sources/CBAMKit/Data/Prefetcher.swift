import Foundation

/// Produces `make(i)` for each i of a range in order, one step ahead: while the
/// caller uses item i, item i+1 is made on a background thread.
public final class Prefetcher<Item>: @unchecked Sendable {
    /// One item being made: written by the background thread, read after `done`.
    private final class Slot: @unchecked Sendable {
        var result: Result<Item, Error>?
        let done = DispatchSemaphore(value: 0)
    }

    private let make: (Int) throws -> Item
    private var next: Int
    private let end: Int
    private let queue = DispatchQueue(label: "cbam.prefetch")
    private var pending: Slot?

    public init(range: Range<Int>, make: @escaping (Int) throws -> Item) {
        self.make = make
        next = range.lowerBound
        end = range.upperBound
        start()
    }

    deinit { pending?.done.wait() }   // the background work must not outlive `make`'s captures

    /// The next item, or nil after the last.
    public func nextItem() throws -> Item? {
        guard let slot = pending else { return nil }
        slot.done.wait()
        pending = nil
        start()
        return try slot.result!.get()
    }

    private func start() {
        guard next < end else { return }
        let index = next, slot = Slot(), make = self.make
        next += 1
        pending = slot
        queue.async {
            slot.result = Result { try make(index) }
            slot.done.signal()
        }
    }
}
