/// What to do with encoded batches.
struct EncodingPlan: Sendable {
    var output: OutputCompression
    var outputLevel: Int
    var outputLayout: RecordLayout
    /// How rejects are written; nil: they are not kept.
    var rejectsLayout: RecordLayout?
    var keepRejects: Bool { rejectsLayout != nil }
    var rejects: OutputCompression
    var rejectsLevel: Int
    var discardOutput: Bool
    var collectCorpusStatistics: Bool
    /// `Options.spillHashes`.
    var spillHashes: Set<String>?
}

/// A rejected record, encoded, with its input position so the rejects come out in input order.
struct Reject: Sendable {
    var ordinal: Int
    var bytes: [UInt8]
}

/// A batch between phases: its documents, the rejects encoded so far, and what each stage counted.
struct WorkBatch: Sendable {
    var sequence: Int
    /// The next phase to run.
    var phase: Int
    var documents: [Document] = []
    /// Rejects so far, in the order stages produced them.
    var rejects: [Reject] = []
    /// The rejects in input order as JSONL (gzip when asked), filled by the last phase.
    var rejectBytes: [UInt8] = []
    /// Encoded output, filled by the last phase.
    var output: [UInt8] = []
    /// One per pipeline step, then `output`.
    var counters: [StageCounters]
    /// The written documents' corpus figures, when collected; filled by the last phase.
    var corpus: CorpusStatistics?
    /// With `--resume`: the input this batch finishes (index into the run's inputs) and the next record ordinal.
    var completedInput: (index: Int, nextOrdinal: Int)?
    /// With `--resume`, on an input's last batch: each ordered stage's state after it, by step index.
    var states: [Int: [UInt8]] = [:]
    /// Why the batch could not be made (a damaged batch file): the run fails when it is due to be written.
    var failure: String?
}
