import ArgumentParser
import Foundation
import ImageCodecs

/// `cbam bench decode`: images/s decoding files held in memory, one thread.
struct BenchDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Images/s decoding PNG and JPEG files.",
        discussion: """
            Each file is read once, then decoded from memory over and over on one thread for \
            --seconds, split into --rounds rounds; the median round is reported. By default \
            one image is decoded into again and again (no allocation, as a data loader does); \
            --fresh allocates a new image for every decode.

            Examples:
              cbam bench decode Datasets/sample/sneaker.jpg
              cbam bench decode photos/*.jpg --seconds 1 --json
            """)

    @Argument(help: "PNG or JPEG files.")
    var files: [String]

    @Option(help: "Seconds of decoding per file.")
    var seconds: Double = 2

    @Option(help: "Rounds per file; the median is reported.")
    var rounds: Int = 5

    @Flag(help: "Allocate a new image for every decode.")
    var fresh = false

    @Flag(help: "Print one JSON object per file instead of a table.")
    var json = false

    func validate() throws {
        if !(seconds > 0 && seconds <= 3600) { throw ValidationError("--seconds: \(seconds) is outside (0, 3600]") }
        if !(1...1000).contains(rounds) { throw ValidationError("--rounds: \(rounds) is outside 1–1000") }
    }

    func run() throws {
        for file in files {
            let first = try Image(contentsOf: file)   // reports unreadable files as "FILE: REASON"
            let bytes = [UInt8](FileManager.default.contents(atPath: file) ?? Data())
            let rates = try bytes.withUnsafeBytes { bytes in
                try (0..<rounds).map { _ in try imagesPerSecond(decoding: bytes, name: file) }
            }
            let median = rates.sorted()[rates.count / 2]
            if json {
                let fields: [String: Any] = [
                    "file": file, "width": first.width, "height": first.height, "channels": first.channels,
                    "bytes": bytes.count, "imagesPerSecond": median, "rounds": rates,
                ]
                let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                let shape = "\(first.width)x\(first.height)x\(first.channels)"
                print("\(file)  \(shape)  \(Int(median.rounded())) images/s  (median of \(rounds) rounds)")
            }
        }
    }

    /// Decodes for one round's share of --seconds; the clock is read every few decodes.
    private func imagesPerSecond(decoding bytes: UnsafeRawBufferPointer, name: String) throws -> Double {
        let clock = ContinuousClock()
        let duration = Duration.seconds(seconds / Double(rounds))
        let start = clock.now
        var reused = Image()
        var decoded = 0
        while clock.now - start < duration {
            for _ in 0..<8 {
                if fresh {
                    _ = try Image.decode(bytes, name: name)
                } else {
                    try reused.decode(bytes, name: name)
                }
            }
            decoded += 8
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(decoded) / seconds
    }
}
