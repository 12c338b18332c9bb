import Foundation

/// Recycles tensor memory by size. Fresh pages cost a page fault on first touch
/// (about 2 GB/s here), so a training step that frees and re-allocates the same
/// sizes every step should get the same, already touched, buffers back.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()

    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private let lock = NSLock()

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        lock.lock()
        let reused = free[count]?.popLast()
        lock.unlock()
        if let reused { return reused }
        // One vector (16 floats) of slack after the end, so that vector loops may read
        // (never write) a whole vector at a row's tail.
        let capacity = count + 16
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
        let pointer = raw.bindMemory(to: Float.self, capacity: capacity)
        (pointer + count).initialize(repeating: 0, count: 16)
        return pointer
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        lock.lock()
        free[count, default: []].append(pointer)
        lock.unlock()
    }

    /// Returns every idle buffer to the system (for long-lived processes that change shapes).
    func trim() {
        lock.lock()
        for pointers in free.values { pointers.forEach { $0.deallocate() } }
        free.removeAll()
        lock.unlock()
    }
}
