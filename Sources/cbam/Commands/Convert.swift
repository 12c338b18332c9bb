import ArgumentParser

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decode an image and write it as PNG, as the model would see it.")
    func run() throws { throw ValidationError("not built yet") }
}
