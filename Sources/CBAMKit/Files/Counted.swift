/// A count with its noun in the right number, for messages: "1 epoch", "3 epochs",
/// "1 class", "2 classes" (never "1 epochs").
public func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
    "\(count) \(count == 1 ? noun : plural ?? pluralNoun(noun))"
}

/// English plural of the nouns cbam counts: "class" → "classes", "batch" → "batches",
/// "epoch" → "epochs", "image" → "images".
func pluralNoun(_ noun: String) -> String {
    ["s", "x", "sh", "tch"].contains { noun.hasSuffix($0) } ? noun + "es" : noun + "s"
}
