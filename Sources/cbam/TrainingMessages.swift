import CBAMKit

/// What `cbam train` says of validation and of the files a run wrote.
enum TrainingMessages {
    /// Where a run stands, as both "Interrupted in …" and "Resuming …" say it, so the two
    /// lines of one run always give the same numbers: "epoch 3 after batch 12 of 40".
    static func position(_ state: TrainingState, batchesPerEpoch: Int) -> String {
        "epoch \(state.epoch + 1) after batch \(state.batch) of \(batchesPerEpoch)"
    }

    /// The epoch line's validation part: "  val loss 0.3120 acc 89.50% top-5 99.80%" (top-3
    /// for 3 classes), or "  no validation set" (never a 0 % that was not measured).
    static func validation(_ record: EpochRecord) -> String {
        guard let loss = record.validationLoss, let accuracy = record.validationAccuracy,
              let topK = record.validationTopKAccuracy else { return "  no validation set" }
        return "  val loss \(fixed(loss, 4)) acc \(percent(accuracy)) top-\(record.validationTopK ?? 5) \(percent(topK))"
    }

    /// What a fine-tuning run starts from: "Fine-tuning from m.safetensors (cbam resnet18):
    /// a new head for 3 classes; stem and layer1 frozen; lr 0.01".
    static func fineTuning(_ startingModel: StartingModel, options: TrainingOptions, classNames: [String]) -> String {
        let head = startingModel.keepsHead(for: classNames) ? "its head kept (the same \(classNames.count) classes)"
            : "a new head for \(classNames.count) classes (the file has \(startingModel.metadata.classNames.count) others)"
        let frozen = options.frozenStages == 0 ? "every stage trains"
            : options.model.stageNames.prefix(options.frozenStages).joined(separator: ", ") + " frozen"
        return "Fine-tuning from \(startingModel.fileName) (\(startingModel.metadata.configuration.name)): \(head); \(frozen); lr \(options.learningRate)"
    }

    /// The last line of a finished run; it names only files that are on disk. With
    /// `heldOut` "test", the accuracy is called test/'s and optimistic (it chose the epoch).
    static func finished(_ trainer: Trainer, heldOut: String? = nil) -> String {
        let state = trainer.state
        guard state.bestEpoch >= 0 else { return "No epoch finished; no model file was written" }
        let best = state.history[state.bestEpoch]
        let written = trainer.filesOnDisk.model.map { "model written to \($0.path)" } ?? "no model file was written"
        guard let accuracy = best.validationAccuracy else {
            return "No validation set: the model kept is the last epoch's (epoch \(best.epoch) of \(state.options.epochs)); \(written)"
        }
        let stopped = state.stoppedEarly ? "Stopped early after epoch \(state.epoch) of \(state.options.epochs): no better validation accuracy "
            + "in \(counted(state.epochsWithoutImprovement, "epoch")) (--patience \(state.options.patience ?? 0)). " : ""
        let name = heldOut == "test" ? "test/ accuracy (optimistic: test/ chose the epoch)" : "validation accuracy"
        return "\(stopped)Best \(name) \(percent(accuracy)) at epoch \(best.epoch) of \(state.options.epochs); \(written)"
    }

    /// A resumed run given another --epochs: "Extending the run from 6 to 10 epochs: the
    /// cosine is re-planned to end at epoch 10; the learning rate at step 120 goes from 0 to 0.0345".
    static func extended(from old: TrainingOptions, to new: TrainingOptions, step: Int, stepsPerEpoch: Int) -> String {
        let before = old.schedule(stepsPerEpoch: stepsPerEpoch).learningRate(atStep: step)
        let after = new.schedule(stepsPerEpoch: stepsPerEpoch).learningRate(atStep: step)
        return "\(new.epochs > old.epochs ? "Extending" : "Shortening") the run from \(old.epochs) to \(counted(new.epochs, "epoch")): the warm-up "
            + "stays and the cosine is re-planned to end at epoch \(new.epochs); the learning rate at step \(step) goes from "
            + "\(String(format: "%.4g", before)) to \(String(format: "%.4g", after))"
    }

    /// "allreduce: 1.2 s of 30.0 s of training steps (4.0 %) on rank 0": the time rank 0
    /// waited for the sums beyond the computation they overlapped.
    static func communication(_ trainer: Trainer) -> String {
        let (waited, total) = (trainer.communicationSeconds, trainer.stepSeconds)
        return "allreduce: \(fixed(waited, 1)) s of \(fixed(total, 1)) s of training steps (\(percent(waited / max(total, 1e-9), digits: 1))) on rank 0"
    }
}
