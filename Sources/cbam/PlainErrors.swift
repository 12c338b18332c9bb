import ArgumentParser
import CBAMKit

extension CBAM {
    /// ArgumentParser's own `main`, except that an error no command turned into a message
    /// (a Foundation file error, a JSON encoding error) is said in plain words
    /// ("Error: out/report.json: permission denied"), never as `NSCocoaErrorDomain Code=…`.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: plainError(error))
        }
    }

    /// `error` itself when ArgumentParser or the command already says it well; a
    /// `CommandFailure` with plain words otherwise.
    static func plainError(_ error: Error) -> Error {
        let described = SystemErrorDescription.plainWords(for: error)
        return described == "\(error)" ? error : CommandFailure(described)
    }
}
