import Foundation

/// How well a model classifies a labelled set: accuracy, top-k accuracy, the mean
/// cross-entropy, per-class precision/recall/F1 and the confusion matrix.
public struct ClassificationReport: Codable, Equatable, Sendable {
    public struct ClassScores: Codable, Equatable, Sendable {
        public var name: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Images of this class in the set.
        public var support: Int
    }

    public var classNames: [String]
    public var count: Int
    public var accuracy: Double
    public var topK: Int
    public var topKAccuracy: Double
    public var loss: Double
    public var perClass: [ClassScores]
    public var macroF1: Double
    /// confusion[true class][predicted class] = images.
    public var confusion: [[Int]]
    /// The images predicted wrongly, in the set's order, when asked for (`listingErrors`).
    public var errors: [Misclassification]?

    enum CodingKeys: String, CodingKey {
        case classNames = "classes", count = "images", accuracy, topK = "top_k", topKAccuracy = "top_k_accuracy"
        case loss, perClass = "per_class", macroF1 = "macro_f1", confusion, errors
    }

    /// The k of top-k accuracy unless told otherwise (fewer when there are fewer classes).
    public static let defaultTopK = 5

    /// Runs `network` over every batch (inference mode) and scores its predictions;
    /// `listingErrors` also names each image predicted wrongly (evaluation batches only,
    /// whose images come in the set's order).
    public static func evaluate(_ network: ImageClassifier, on batches: Batches, classNames: [String],
                                topK: Int = defaultTopK, listingErrors: Bool = false) throws -> ClassificationReport {
        try evaluate(network, on: batches, classNames: classNames, across: SingleProcess(), topK: topK, listingErrors: listingErrors)
    }

    /// The report over every rank's share of a set (`Batches.evaluation(shard:)`): each
    /// rank scores its share, and the counts and loss sums are added up, so every rank
    /// gets the whole set's report. Errors are listed in one process only.
    public static func evaluate(_ network: ImageClassifier, on batches: Batches, classNames: [String],
                                across communicator: Communicator, topK requestedTopK: Int = defaultTopK,
                                listingErrors: Bool = false) throws -> ClassificationReport {
        precondition(!listingErrors || (batches.shuffling == nil && !communicator.isDistributed),
                     "errors are listed from one process's evaluation batches, in the set's order")
        let k = classNames.count, topK = min(requestedTopK, k)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        var inTopK = 0, lossSum = 0.0, seen = 0
        var errors: [Misclassification] = []
        let prefetcher = batches.prefetching()
        while let batch = try prefetcher.nextItem() {
            let probabilities = TrainedModel.softmaxRows(network.forward(batch.images, .inference))
            for (row, label) in zip(probabilities, batch.labels) {
                let ranked = row.indices.sorted { row[$0] > row[$1] }
                confusion[label][ranked[0]] += 1
                if listingErrors && ranked[0] != label {
                    errors.append(Misclassification(file: batches.set.paths[seen], label: classNames[label], predictions: ranked.prefix(topK).map {
                        ClassProbability(label: classNames[$0], probability: Double(row[$0]))
                    }))
                }
                if ranked.prefix(topK).contains(label) { inTopK += 1 }
                lossSum -= log(max(Double(row[label]), 1e-30))
                seen += 1
            }
        }
        if communicator.isDistributed {
            let summed = communicator.sum(confusion.joined().map(Double.init) + [Double(inTopK), lossSum])
            confusion = (0..<k).map { row in (0..<k).map { Int(summed[row * k + $0]) } }
            (inTopK, lossSum) = (Int(summed[k * k]), summed[k * k + 1])
        }
        var report = ClassificationReport(classNames: classNames, confusion: confusion, topK: topK, inTopK: inTopK, lossSum: lossSum)
        if listingErrors { report.errors = errors }
        return report
    }

    init(classNames: [String], confusion: [[Int]], topK: Int, inTopK: Int, lossSum: Double) {
        let count = confusion.joined().reduce(0, +)
        let correct = confusion.indices.reduce(0) { $0 + confusion[$1][$1] }
        func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
        perClass = classNames.indices.map { c in
            let predicted = confusion.reduce(0) { $0 + $1[c] }, actual = confusion[c].reduce(0, +)
            let precision = ratio(confusion[c][c], predicted), recall = ratio(confusion[c][c], actual)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return ClassScores(name: classNames[c], precision: precision, recall: recall, f1: f1, support: actual)
        }
        self.classNames = classNames
        self.count = count
        self.confusion = confusion
        self.topK = topK
        accuracy = ratio(correct, count)
        topKAccuracy = ratio(inTopK, count)
        loss = count == 0 ? 0 : lossSum / Double(count)
        macroF1 = perClass.isEmpty ? 0 : perClass.map(\.f1).reduce(0, +) / Double(perClass.count)
    }
}
