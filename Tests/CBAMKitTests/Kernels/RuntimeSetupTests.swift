import XCTest
import Foundation
import OneDNN

/// What Sources/CRuntimeSetup sets before OpenMP starts: denormals flushed on every
/// thread, the team as wide as the CPUs available, and workers that sleep soon when idle.
final class RuntimeSetupTests: XCTestCase {
    func testDenormalsFlushToZeroOnTheMainAndEveryWorkerThread() throws {
        try XCTSkipIf(Parallel.threadCount < 2, "one thread: no worker to check")
        // 1e-20² = 1e-40 is below the smallest normal float (1.2e-38): a denormal result.
        // 2⁻¹²⁷ · 2³⁰ reads a denormal operand: 2⁻⁹⁷ unless it is taken as zero. The operands
        // depend on a 1 known only at run time, so that nothing is folded at compile time,
        // and the denormal is made from its bits, which no flushing touches.
        let one = ProcessInfo.processInfo.processIdentifier > 0 ? 1 : 2
        let tiny = 1e-20 * Float(one), large = 0x1p30 * Float(one)
        let denormal = Float(bitPattern: 0x0040_0000 * UInt32(one))
        XCTAssertTrue(denormal.isSubnormal)
        func results() -> Result {
            Result(flushed: Denormals.flushedOnThisThread, product: multiply(tiny, tiny), scaled: multiply(denormal, large))
        }
        var workers = [Result?](repeating: nil, count: Parallel.threadCount)
        workers.withUnsafeMutableBufferPointer { slots in
            Parallel.forEachChunk(Parallel.threadCount) { _, thread in slots[thread] = results() }
        }
        let threads = [("the main thread", Optional(results()))] + workers.enumerated().map { ("OpenMP thread \($0.offset)", $0.element) }
        for (thread, result) in threads {
            let result = try XCTUnwrap(result, "\(thread) ran")
            XCTAssertTrue(result.flushed, "\(thread): MXCSR has FTZ and DAZ")
            XCTAssertEqual(result.product, 0, "\(thread): a denormal product is flushed to zero")
            XCTAssertEqual(result.scaled, 0, "\(thread): a denormal operand is read as zero")
        }
    }

    private struct Result {
        let flushed: Bool
        let product, scaled: Float
    }

    /// A release build's kernels use the vector units of the CPU that built it (Package.swift),
    /// here the one running the tests: AVX-512 where /proc/cpuinfo lists it, else AVX2 with FMA.
    func testReleaseBuildsCompileTheKernelsForThisCPUsVectorUnits() throws {
        #if DEBUG
        throw XCTSkip("debug builds compile for baseline x86-64")
        #else
        try XCTSkipIf(ProcessInfo.processInfo.environment["CBAM_TARGET_CPU"] != nil, "CBAM_TARGET_CPU chose the CPU")
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(line.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) {
            XCTAssertEqual(VectorUnits.kernels, "AVX-512")
        } else if flags.isSuperset(of: ["avx2", "fma", "bmi2"]) {
            XCTAssertEqual(VectorUnits.kernels, "AVX2 and FMA")
        } else {
            XCTAssertEqual(VectorUnits.kernels, "baseline x86-64")
        }
        #endif
    }

    func testTheTeamIsAsWideAsTheCPUsAvailable() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["OMP_NUM_THREADS"] != nil, "OMP_NUM_THREADS chooses the team")
        XCTAssertEqual(Parallel.threadCount, AvailableCPUs.count)
        XCTAssertGreaterThanOrEqual(AvailableCPUs.count, 1)
        XCTAssertLessThanOrEqual(AvailableCPUs.count, ProcessInfo.processInfo.activeProcessorCount)
    }

    func testTheEnvironmentIsGivenBackOnceOpenMPHasReadIt() {
        XCTAssertNil(ProcessInfo.processInfo.environment["CBAM_OPENMP_ADDED"], "the restarted process takes out what it added")
    }

    func testACPUQuotaIsRoundedUpToWholeCPUsAndMaxIsNoLimit() {
        XCTAssertEqual(AvailableCPUs.quota(cpuMax: "100000 100000\n"), 1)
        XCTAssertEqual(AvailableCPUs.quota(cpuMax: "150000 100000"), 2)
        XCTAssertEqual(AvailableCPUs.quota(cpuMax: "50000 100000"), 1)
        XCTAssertEqual(AvailableCPUs.quota(cpuMax: "400000 100000"), 4)
        XCTAssertNil(AvailableCPUs.quota(cpuMax: "max 100000"))
        XCTAssertNil(AvailableCPUs.quota(cpuMax: ""))
    }

    /// Idle, workers wait longer before sleeping (batch-1 latency); beside other runnable
    /// work, briefly (throughput under contention). Unreadable: briefly. A training run
    /// waits briefly even on an idle machine: other work may start beside it later.
    func testTheWaitFollowsWhatElseIsRunningAtStart() {
        XCTAssertEqual(OpenMPWait.spinRounds(procStat: "procs_running 1\n", training: true), 1_000)
        XCTAssertEqual(OpenMPWait.spinRounds(procStat: "procs_running 3\n", training: true), 1_000)
        XCTAssertEqual(OpenMPWait.spinRounds(procStat: "cpu  1 2 3\nctxt 99\nprocs_running 1\nprocs_blocked 0\n"), 10_000)
        XCTAssertEqual(OpenMPWait.spinRounds(procStat: "procs_running 2\n"), 1_000)
        XCTAssertEqual(OpenMPWait.spinRounds(procStat: "procs_running 7\n"), 1_000)
        XCTAssertEqual(OpenMPWait.spinRounds(procStat: "cpu 1 2 3\n"), 1_000)
        XCTAssertEqual(OpenMPWait.spinRounds(procStat: nil), 1_000)
    }

    /// GNU OpenMP's default busy-waits milliseconds at each barrier; ours sleeps soon, so
    /// between passes an idle worker leaves its core to whatever else must run there.
    func testIdleWorkersSleepSoonInsteadOfSpinning() throws {
        try XCTSkipIf(Parallel.threadCount < 2, "one thread: no worker to watch")
        try XCTSkipIf(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] != nil
                      || ProcessInfo.processInfo.environment["GOMP_SPINCOUNT"] != nil, "the environment chooses the wait")
        var worker: pthread_t?
        Parallel.forEachChunk(2) { _, thread in if thread == 1 { worker = pthread_self() } }
        var clock = clockid_t()
        XCTAssertEqual(pthread_getcpuclockid(try XCTUnwrap(worker), &clock), 0)
        func cpuSeconds() -> Double {
            var time = timespec()
            clock_gettime(clock, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let gaps = 40, gap = 0.002
        let start = cpuSeconds()
        for _ in 0..<gaps {
            Parallel.forEachChunk(2) { _, _ in }
            usleep(useconds_t(gap * 1e6))
        }
        let spent = cpuSeconds() - start
        // Spinning through every gap would cost the worker all of them; 300,000 rounds last
        // longer than 2 ms on this machine kind.
        XCTAssertLessThan(spent, 0.3 * Double(gaps) * gap, "the worker spent \(spent * 1000) ms of CPU in \(gaps) idle gaps of \(gap * 1000) ms")
    }
}

/// A product the optimiser cannot fold at compile time.
@inline(never) private func multiply(_ a: Float, _ b: Float) -> Float { a * b }
