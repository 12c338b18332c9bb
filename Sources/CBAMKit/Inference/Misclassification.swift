/// An image of a labelled set that the model got wrong, with what it predicted: what
/// `cbam evaluate --errors` lists, so the user can look at those files.
public struct Misclassification: Codable, Equatable, Sendable {
    public struct Guess: Codable, Equatable, Sendable {
        public var label: String
        public var probability: Double
    }

    public var file: String
    /// The image's true class.
    public var label: String
    /// The top-k classes, most likely first; the first is the (wrong) prediction.
    public var predictions: [Guess]
}
