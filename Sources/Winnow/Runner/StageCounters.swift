/// What one stage did in a run: documents in, kept, dropped by reason, rejected with errors, time and text volume.
/// Counters of batches add up (`merge`), so workers count alone and the runner sums in input order.
public struct StageCounters: Sendable, Hashable {
    public var name: String
    public var documentsIn = 0
    public var kept = 0
    /// Dropped documents by reason (`empty_text`, `near_duplicate` …).
    public var dropped: [String: Int] = [:]
    /// Documents (or, for decode, records) that failed with an error and went to the rejects.
    public var rejected = 0
    /// The rejected by reason (`malformed_json`, `missing_text`, `damaged_input` …); sums to `rejected`.
    public var rejectReasons: [String: Int] = [:]
    /// Bytes of UTF-8 text entering the stage.
    public var textBytes = 0
    /// Time spent in the stage, summed over workers (core-seconds).
    public var seconds = 0.0
    /// Other totals a stage reports (`encoding windows-1252`, `replaced_sequences`, `warc_request_records` …).
    public var notes: [String: Int] = [:]

    public init(name: String) { self.name = name }

    public var droppedTotal: Int { dropped.values.reduce(0, +) }

    /// Counts one rejected document or record.
    public mutating func reject(_ reason: String) {
        rejected += 1
        rejectReasons[reason, default: 0] += 1
    }

    public mutating func merge(_ other: StageCounters) {
        documentsIn += other.documentsIn
        kept += other.kept
        rejected += other.rejected
        textBytes += other.textBytes
        seconds += other.seconds
        for (reason, count) in other.dropped { dropped[reason, default: 0] += count }
        for (note, count) in other.notes { notes[note, default: 0] += count }
        for (reason, count) in other.rejectReasons { rejectReasons[reason, default: 0] += count }
    }
}
