/// A class and the probability a model gave it: one line of a top-k list.
public struct ClassProbability: Codable, Equatable, Sendable {
    public var label: String
    public var probability: Double

    public init(label: String, probability: Double) {
        self.label = label
        self.probability = probability
    }
}

/// An image of a labelled set that the model got wrong, with what it predicted: what
/// `cbam evaluate --errors` lists, so the user can look at those files.
public struct Misclassification: Codable, Equatable, Sendable {
    public var file: String
    /// The image's true class.
    public var label: String
    /// The top-k classes, most likely first; the first is the (wrong) prediction.
    public var predictions: [ClassProbability]
}
