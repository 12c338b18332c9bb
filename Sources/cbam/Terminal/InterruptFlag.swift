import Foundation

/// Ctrl-C (SIGINT) as a request: the first one sets the flag, which the training
/// loop reads after each batch; a second one stops the process at once.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var source: DispatchSourceSignal?

    static let shared = InterruptFlag()

    var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }

    /// Starts catching SIGINT; `message` is printed when the first one arrives.
    func install(message: String) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in
            lock.lock()
            raised = true
            lock.unlock()
            StandardError.line("\n" + message)
            self.source?.cancel()
            signal(SIGINT, SIG_DFL)   // a second Ctrl-C ends the process
        }
        source.resume()
        self.source = source
    }
}
