/// A failure at run time that the user can fix (a missing file, a wrong option for this
/// model): ArgumentParser prints it as "Error: MESSAGE", without the usage text that a
/// `ValidationError` brings.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
