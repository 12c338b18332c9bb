import ArgumentParser

struct BenchDecode: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Images/s decoding PNG and JPEG files.")
    func run() throws { throw ValidationError("not built yet") }
}
