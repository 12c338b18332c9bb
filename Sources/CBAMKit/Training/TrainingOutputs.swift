import Foundation

/// Where a training run writes, the best model, the checkpoint beside it and the log,
/// decided and checked before any work:
/// - a new run writes `--out`, by default `<folder>-<model>.safetensors` in the working
///   directory; it never replaces an existing model file or checkpoint unless forced,
///   and never has the shipped model as its default output;
/// - a resumed run writes where it started: the model beside its checkpoint
///   (`m.checkpoint.safetensors` → `m.safetensors`); another `--out` is refused;
/// - every folder is created if missing and tried with a probe file, so that a run
///   cannot fail at its first save for a destination it could have refused at once.
public struct TrainingOutputs: Equatable {
    public let model: URL
    public let log: URL?
    public var checkpoint: URL { Checkpoint.url(forModel: model) }

    /// `<folder>-<model>.safetensors`: the default output's name.
    public static func defaultModelName(directory: String, kind: ModelConfiguration.Kind) -> String {
        let folder = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
        return "\(folder)-\(kind.rawValue).safetensors"
    }

    /// A new run on `directory`. `out` and `log` are the options as given; `force` allows
    /// replacing an existing model file and checkpoint at `out`.
    public init(newRunOn directory: String, kind: ModelConfiguration.Kind, out: String?, log: String?, force: Bool,
                workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                shippedModel: URL = ShippedModel.url) throws {
        let model = out.map { URL(fileURLWithPath: $0) }
            ?? workingDirectory.appendingPathComponent(Self.defaultModelName(directory: directory, kind: kind))
        let subject = out.map { "--out \($0)" } ?? "\(model.path) (the default output)"
        if out == nil && OutputFiles.samePath(model, shippedModel) {
            throw OutputFileError(subject: subject, reason: "is the shipped model, which cbam train never replaces by default; give --out")
        }
        try OutputFiles.checkWritable(model, subject: subject)
        if !force {
            if FileManager.default.fileExists(atPath: model.path) {
                throw OutputFileError(subject: subject, reason: "already exists; cbam train does not replace a model file it did not start from (give another --out, or --force to replace it)")
            }
            let checkpoint = Checkpoint.url(forModel: model)
            if FileManager.default.fileExists(atPath: checkpoint.path) {
                throw OutputFileError(subject: checkpoint.path, reason: "already exists, from a run that did not finish: continue it with --resume \(checkpoint.path), or give --force to start over")
            }
        }
        try self.init(model: model, log: log)
    }

    /// A run resumed from `checkpoint`; `out`, if given, must be the model it belongs to.
    public init(resuming checkpoint: URL, out: String?, log: String?) throws {
        guard let model = Checkpoint.modelURL(forCheckpoint: checkpoint) ?? out.map({ URL(fileURLWithPath: $0) }),
              OutputFiles.samePath(Checkpoint.url(forModel: model), checkpoint) else {
            throw OutputFileError(subject: "--resume \(checkpoint.path)", reason: "is not named NAME.checkpoint.safetensors, the name cbam train gives the checkpoint beside its model NAME.safetensors; rename it back to resume")
        }
        if let out, !OutputFiles.samePath(URL(fileURLWithPath: out), model) {
            throw OutputFileError(subject: "--out \(out)", reason: "a resumed run writes where it started, \(model.path) (beside its checkpoint); leave out --out")
        }
        try OutputFiles.checkWritable(model, subject: out.map { "--out \($0)" } ?? model.path)
        try self.init(model: model, log: log)
    }

    /// Checks the log, which must be a file of its own.
    private init(model: URL, log: String?) throws {
        self.model = model
        self.log = log.map { URL(fileURLWithPath: $0) }
        if let log, let logURL = self.log {
            if OutputFiles.samePath(logURL, model) || OutputFiles.samePath(logURL, checkpoint) {
                throw OutputFileError(subject: "--log \(log)", reason: "is the model or its checkpoint; the log needs a file of its own")
            }
            try OutputFiles.checkWritable(logURL, subject: "--log \(log)")
        }
    }
}
