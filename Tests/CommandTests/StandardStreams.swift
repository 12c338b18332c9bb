import Foundation

/// Sends stdout to /dev/null while `body` runs: commands print their results there.
func silencingStandardOutput<T>(_ body: () throws -> T) rethrows -> T {
    try redirecting(1, to: "/dev/null", body)
}

/// What `body` prints on stdout.
func capturingStandardOutput(_ body: () throws -> Void) throws -> String {
    try capturing(1, body)
}

/// What `body` prints on stderr (warnings, per-file errors).
func capturingStandardError(_ body: () throws -> Void) throws -> String {
    try capturing(2, body)
}

/// Runs `body` with `bytes` as its standard input (what `cbam classify -` reads).
func feedingStandardInput<T>(_ bytes: Data, _ body: () throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-stdin-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try bytes.write(to: URL(fileURLWithPath: path))
    let saved = dup(0)
    let file = open(path, O_RDONLY)
    dup2(file, 0)
    close(file)
    defer {
        dup2(saved, 0)
        close(saved)
    }
    return try body()
}

private func capturing(_ descriptor: Int32, _ body: () throws -> Void) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-captured-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try redirecting(descriptor, to: path, body)
    return try String(contentsOfFile: path, encoding: .utf8)
}

/// Points file descriptor `descriptor` (1 or 2) at `path` (created or emptied) while `body` runs.
private func redirecting<T>(_ descriptor: Int32, to path: String, _ body: () throws -> T) rethrows -> T {
    fflush(stdout)
    fflush(stderr)
    let saved = dup(descriptor)
    let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    dup2(file, descriptor)
    close(file)
    defer {
        fflush(stdout)
        fflush(stderr)
        dup2(saved, descriptor)
        close(saved)
    }
    return try body()
}
