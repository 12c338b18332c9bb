import XCTest
import CBAMKit

/// Data-parallel training (DESIGN.md, "Beyond one machine"): each rank's shard of a
/// batch, and `cbam train` under `mpirun -np 2` against one process with the same
/// global batch.
final class DataParallelTests: XCTestCase {
    private var folders: [SyntheticImageFolder] = []
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() {
        folders.forEach { $0.remove() }
        try? FileManager.default.removeItem(at: scratch)
    }

    func testShardsCoverTheItemsOnce() {
        for (count, size) in [(7, 3), (16, 2), (2, 2), (5, 1)] {
            let ranges = (0..<size).map { Shard(rank: $0, of: size).range(of: count) }
            XCTAssertEqual(ranges.flatMap { Array($0) }, Array(0..<count))
            XCTAssertLessThanOrEqual(ranges.map(\.count).max()! - ranges.map(\.count).min()!, 1)
        }
    }

    /// The ranks' shards, put together, are the single process's batch: the same images,
    /// with the same crops and flips.
    func testShardsOfATrainingBatchAreTheWholeBatch() throws {
        let folder = try SyntheticImageFolder(perClass: 5)
        folders.append(folder)
        let set = ImageSet.load(try ImageFolder(root: folder.root.path).files, imageSize: 8, channels: 3, cacheBytes: 1 << 20) { XCTFail("\($0)") }
        let preprocessing = Preprocessing(channels: 3, imageSize: 8, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])
        func batches(_ shard: Shard) -> Batches {
            var batches = Batches.training(set, preprocessing: preprocessing, batchSize: 7,
                                           augmentation: .standard(imageSize: 8, flip: true), seed: 3, epoch: 1)
            batches.shard = shard
            return batches
        }
        let whole = try batches(.whole).batch(1)
        let shards = try (0..<3).map { try batches(Shard(rank: $0, of: 3)).batch(1) }
        XCTAssertEqual(shards.map(\.labels.count), [2, 2, 3])
        XCTAssertEqual(shards.flatMap(\.labels), whole.labels)
        XCTAssertEqual(shards.flatMap(\.images.scalars), whole.images.scalars)
    }

    /// 20 steps of 2 ranks with sync BatchNorm give the weights, BatchNorm statistics
    /// and momentum of one process with the same global batch of 16.
    func testTwoRanksWithSyncBatchNormMatchOneProcess() throws {
        let (cbam, mpirun) = try executables()
        let data = try dataFolder()
        // 3 × 30 images, batch 16: 5 steps an epoch, 4 epochs; fp32, whose rounding is far
        // below the bound (bf16's, amplified over 20 steps, is not).
        let arguments = [data, "--epochs", "4", "--batch-size", "16", "--width", "4", "--image-size", "12",
                         "--val-split", "0", "--lr", "0.05", "--precision", "fp32", "--force"]
        try run(cbam, arguments + ["--out", scratch.appendingPathComponent("one.safetensors").path])
        try run(mpirun, mpirunOptions + [cbam, "train"] + arguments
                + ["--sync-batchnorm", "--out", scratch.appendingPathComponent("two.safetensors").path])
        let one = try SafeTensors(contentsOf: scratch.appendingPathComponent("one.checkpoint.safetensors")).tensors
        let two = try SafeTensors(contentsOf: scratch.appendingPathComponent("two.checkpoint.safetensors")).tensors
        XCTAssertEqual(Set(one.keys), Set(two.keys))
        var compared = 0
        for (key, a) in one where a.count > 1 {
            let b = two[key]!.scalars, a = a.scalars
            let difference = zip(a, b).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +).squareRoot()
            let norm = a.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
            XCTAssertLessThanOrEqual(difference, 1e-4 * max(norm, 1e-6), "\(key): ‖Δ‖ \(difference), ‖w‖ \(norm)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 20)
    }

    /// Without sync BatchNorm each rank normalises its own 8 images: not the single
    /// process's numbers, but training still learns.
    func testTwoRanksWithoutSyncBatchNormConverge() throws {
        let (cbam, mpirun) = try executables()
        let log = scratch.appendingPathComponent("log.jsonl")
        try run(mpirun, mpirunOptions + [cbam, "train", try dataFolder(), "--epochs", "6", "--batch-size", "16", "--width", "4",
                                         "--image-size", "12", "--val-split", "0.2", "--log", log.path,
                                         "--out", scratch.appendingPathComponent("m.safetensors").path])
        let epochs = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        XCTAssertEqual(epochs.count, 6)
        let losses = epochs.map { $0["train_loss"] as! Double }
        XCTAssertLessThan(losses.last!, losses.first! * 0.8, "train loss by epoch: \(losses)")
        XCTAssertGreaterThan(epochs.last!["val_accuracy"] as! Double, 0.6, "\(epochs.last!)")
    }

    /// A rank that dies stops the run within seconds, with mpirun's message naming it,
    /// and the checkpoint of the last finished epoch stays whole.
    func testARankThatDiesStopsTheOthers() throws {
        let (cbam, mpirun) = try executables()
        let checkpoint = scratch.appendingPathComponent("m.checkpoint.safetensors")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mpirun)
        process.arguments = mpirunOptions + [cbam, "train", try dataFolder(), "--epochs", "1000", "--batch-size", "16", "--width", "4",
                                             "--image-size", "12", "--val-split", "0", "--out", scratch.appendingPathComponent("m.safetensors").path]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: checkpoint.path) && Date() < deadline { usleep(100_000) }
        let rank1 = try XCTUnwrap(childProcesses(of: process.processIdentifier).first { rankOf($0) == 1 }, "no rank 1 under mpirun")
        kill(rank1, SIGKILL)
        let killed = Date()
        while process.isRunning && Date().timeIntervalSince(killed) < 20 { usleep(50_000) }
        guard !process.isRunning else { return XCTFail("the run went on for 20 s after rank 1 died") }
        XCTAssertLessThan(Date().timeIntervalSince(killed), 10)
        XCTAssertNotEqual(process.terminationStatus, 0)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(message.contains("rank 1") && message.contains("signal 9"), message)
        XCTAssertGreaterThan(try SafeTensors(contentsOf: checkpoint).tensors.count, 20)
    }

    private func childProcesses(of pid: Int32) -> [Int32] {
        let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
        return (children ?? "").split(separator: " ").compactMap { Int32($0) }
    }

    /// The MPI rank of a process, from the environment mpirun gave it.
    private func rankOf(_ pid: Int32) -> Int? {
        guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        return environment.split(separator: 0).lazy.map { String(decoding: $0, as: UTF8.self) }
            .first { $0.hasPrefix("OMPI_COMM_WORLD_RANK=") }.flatMap { Int($0.dropFirst("OMPI_COMM_WORLD_RANK=".count)) }
    }

    // MARK: - Running cbam

    /// As root (containers), Open MPI wants both flags; more ranks than cores need --oversubscribe.
    private let mpirunOptions = ["-np", "2", "--oversubscribe", "--allow-run-as-root"]

    private func executables() throws -> (cbam: String, mpirun: String) {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let cbam = package.appendingPathComponent(".build/release/cbam").path
        guard FileManager.default.isExecutableFile(atPath: cbam) else { throw XCTSkip("needs .build/release/cbam (swift build -c release)") }
        guard let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)")
        }
        return (cbam, mpirun)
    }

    private func dataFolder() throws -> String {
        let folder = try SyntheticImageFolder(perClass: 30)
        folders.append(folder)
        return folder.root.path
    }

    private func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = executable.hasSuffix("cbam") ? ["train"] + arguments : arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_WAIT_POLICY"] = "PASSIVE"
        process.environment = environment
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(executable) \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
    }
}
