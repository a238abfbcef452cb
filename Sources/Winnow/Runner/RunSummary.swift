import Foundation

/// The account of a run: per stage what went in, out and why, and the totals, which always satisfy
/// `read = written + dropped + rejected`.
public struct RunSummary: Sendable {
    /// Counters per stage in pipeline order (`decode` first), then `output` (JSON encoding and compression).
    public var stages: [StageCounters]
    public var filesTotal = 0
    public var filesDone = 0
    public var compressedBytes = 0
    public var writtenDocuments = 0
    public var outputBytes = 0
    public var wallSeconds = 0.0
    public var interrupted = false
    /// Inputs that could not be read to their end.
    public var inputProblems: [InputProblem] = []
    /// Files in input directories that were not read (not record files; `run --verbose` names them).
    public var skippedInputs = 0
    /// The error that stopped the run early (a write failure), if any.
    public var failure: String?
    /// Corpus figures of the written documents, when asked for (`--stats`).
    public var corpus: CorpusStatistics?
    /// The process's peak resident memory in bytes, when the caller measured it: shown in `text`, not kept in the
    /// JSON (a property of one process, not of the corpus, so merged summaries could not agree with one run's).
    public var peakResidentBytes: Int?

    /// The calling process's peak resident set size so far, in bytes.
    public static func processPeakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024
    }

    public init(stageNames: [String]) {
        stages = stageNames.map(StageCounters.init(name:))
    }

    /// Records read: every non-blank JSONL line, text file and unreadable input tail.
    public var read: Int { stages.first?.documentsIn ?? 0 }
    public var dropped: Int { stages.reduce(0) { $0 + $1.droppedTotal } }
    public var rejected: Int { stages.reduce(0) { $0 + $1.rejected } }
    /// Bytes of decoded text (the documents' text as read).
    public var textBytes: Int { stages.count > 1 ? stages[1].textBytes : 0 }
    /// Documents that were read but are still in flight when a run stops early.
    public var unaccounted: Int { read - writtenDocuments - dropped - rejected }

    /// The summary as printed on stderr at the end of a run.
    public var text: String {
        var lines: [String] = []
        let status = interrupted ? "interrupted" : (failure != nil ? "failed" : "done")
        lines.append(
            "winnow: \(status) in \(Self.format(seconds: wallSeconds)): \(filesDone)/\(filesTotal) inputs, "
                + "\(Self.size(compressedBytes)) read, \(Self.size(textBytes)) of text"
                + (peakResidentBytes.map { ", peak RSS \(Self.size($0))" } ?? ""))
        let header = ["stage", "in", "kept", "dropped", "rejected", "seconds"]
        var rows = [header]
        for stage in stages {
            rows.append([
                stage.name, "\(stage.documentsIn)", "\(stage.kept)", "\(stage.droppedTotal)", "\(stage.rejected)",
                String(format: "%.3f", stage.seconds),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == 0
                    ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            lines.append("  " + cells.joined(separator: "  "))
        }
        for stage in stages where !stage.dropped.isEmpty {
            let reasons = stage.dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                separator: ", ")
            lines.append("  \(stage.name) dropped: \(reasons)")
        }
        for stage in stages where !stage.rejectReasons.isEmpty {
            let reasons = stage.rejectReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                separator: ", ")
            lines.append("  \(stage.name) rejected: \(reasons)")
        }
        for stage in stages where !stage.notes.isEmpty {
            let notes = stage.notes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("  \(stage.name): \(notes)")
        }
        var totals = "  read \(read) = written \(writtenDocuments) + dropped \(dropped) + rejected \(rejected)"
        if unaccounted != 0 { totals += " + \(unaccounted) not finished" }
        lines.append(totals)
        if skippedInputs > 0 {
            lines.append(
                "  skipped \(skippedInputs) file\(skippedInputs == 1 ? "" : "s") of the input directories that are not record files (--verbose names them)"
            )
        }
        for problem in inputProblems { lines.append("  input error: \(problem.message)") }
        if let failure { lines.append("  error: \(failure)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary as the JSON written by `--stats`.
    public var json: JSONValue {
        let stageValues: [JSONValue] = stages.map { stage in
            var dropped = JSONObject()
            for (reason, count) in stage.dropped.sorted(by: { $0.key < $1.key }) { dropped[reason] = .int(count) }
            var notes = JSONObject()
            for (note, count) in stage.notes.sorted(by: { $0.key < $1.key }) { notes[note] = .int(count) }
            var rejectReasons = JSONObject()
            for (reason, count) in stage.rejectReasons.sorted(by: { $0.key < $1.key }) {
                rejectReasons[reason] = .int(count)
            }
            return .object([
                "name": .string(stage.name), "in": .int(stage.documentsIn), "kept": .int(stage.kept),
                "dropped": .object(dropped), "rejected": .int(stage.rejected),
                "reject_reasons": .object(rejectReasons), "notes": .object(notes),
                "text_bytes": .int(stage.textBytes), "seconds": .double(stage.seconds),
            ])
        }
        var object: JSONObject = [
            "status": .string(interrupted ? "interrupted" : (failure != nil ? "failed" : "done")),
            "read": .int(read), "written": .int(writtenDocuments), "dropped": .int(dropped), "rejected": .int(rejected),
            "inputs": .object([
                "total": .int(filesTotal), "done": .int(filesDone), "compressed_bytes": .int(compressedBytes),
                "text_bytes": .int(textBytes), "skipped": .int(skippedInputs),
            ]),
            "output_bytes": .int(outputBytes),
            "seconds": .double(wallSeconds),
            "stages": .array(stageValues),
            "input_errors": .array(
                inputProblems.map { .object(["file": .string($0.path), "error": .string($0.message)]) }),
        ]
        if let failure { object["error"] = .string(failure) }
        if unaccounted != 0 { object["not_finished"] = .int(unaccounted) }
        if let corpus { object["corpus"] = corpus.json }
        return .object(object)
    }

    /// Reads a summary from the JSON `--stats` wrote.
    public init(json: JSONValue) throws(StatsFileError) {
        guard case .object(let object) = json, case .array(let stageValues)? = object["stages"],
            case .object(let inputs)? = object["inputs"]
        else { throw StatsFileError("not a winnow stats file (no stages or inputs)") }
        stages = []
        for value in stageValues {
            guard case .object(let fields) = value, let name = fields["name"]?.stringValue else {
                throw StatsFileError("a stage has no name")
            }
            var counters = StageCounters(name: name)
            counters.documentsIn = try StatsFileError.int(fields["in"], "\(name).in")
            counters.kept = try StatsFileError.int(fields["kept"], "\(name).kept")
            counters.rejected = try StatsFileError.int(fields["rejected"], "\(name).rejected")
            counters.textBytes = try StatsFileError.int(fields["text_bytes"], "\(name).text_bytes")
            counters.seconds = try StatsFileError.double(fields["seconds"], "\(name).seconds")
            if case .object(let dropped)? = fields["dropped"] {
                for (reason, count) in dropped.members {
                    counters.dropped[reason] = try StatsFileError.int(count, "\(name).dropped")
                }
            }
            if case .object(let reasons)? = fields["reject_reasons"] {
                for (reason, count) in reasons.members {
                    counters.rejectReasons[reason] = try StatsFileError.int(count, "\(name).reject_reasons")
                }
            }
            if case .object(let notes)? = fields["notes"] {
                for (note, count) in notes.members {
                    counters.notes[note] = try StatsFileError.int(count, "\(name).notes")
                }
            }
            stages.append(counters)
        }
        // The totals the summary derives (dropped per stage, dropped and rejected over stages) stay in range too.
        var total = 0
        for stage in stages {
            for count in Array(stage.dropped.values) + [stage.rejected] {
                let (sum, overflow) = total.addingReportingOverflow(count)
                guard !overflow, sum <= StatsFileError.maximumCount else {
                    throw StatsFileError("the dropped and rejected counts add up to more than 2^53")
                }
                total = sum
            }
        }
        filesTotal = try StatsFileError.int(inputs["total"], "inputs.total")
        filesDone = try StatsFileError.int(inputs["done"], "inputs.done")
        compressedBytes = try StatsFileError.int(inputs["compressed_bytes"], "inputs.compressed_bytes")
        if inputs["skipped"] != nil { skippedInputs = try StatsFileError.int(inputs["skipped"], "inputs.skipped") }
        writtenDocuments = try StatsFileError.int(object["written"], "written")
        outputBytes = try StatsFileError.int(object["output_bytes"], "output_bytes")
        wallSeconds = try StatsFileError.double(object["seconds"], "seconds")
        interrupted = object["status"]?.stringValue == "interrupted"
        failure = object["error"]?.stringValue
        if case .array(let problems)? = object["input_errors"] {
            inputProblems = problems.compactMap { value in
                guard case .object(let fields) = value else { return nil }
                return InputProblem(
                    path: fields["file"]?.stringValue ?? "", message: fields["error"]?.stringValue ?? "")
            }
        }
        if let corpusValue = object["corpus"] { corpus = try CorpusStatistics(json: corpusValue) }
    }

    /// Reads a stats file (`--stats`, `winnow stats merge`).
    public static func load(path: String) throws(StatsFileError) -> RunSummary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StatsFileError("\(path): cannot read the file")
        }
        do throws(StatsFileError) {
            return try parse([UInt8](data))
        } catch {
            throw StatsFileError("\(path): \(error.message)")
        }
    }

    /// Reads a stats file's bytes.
    public static func parse(_ bytes: [UInt8]) throws(StatsFileError) -> RunSummary {
        var parser = JSONParser()
        let object: JSONObject
        do {
            object = try bytes.withUnsafeBytes { (buffer) throws(JSONSyntaxError) in try parser.parseObject(buffer) }
        } catch {
            throw StatsFileError("not JSON (\(error))")
        }
        return try RunSummary(json: .object(object))
    }

    /// Writes the summary as a stats file (temporary name, then renamed).
    public func write(to path: String) throws {
        let file = try OutputFile(path: path)
        try write(to: file)
    }

    /// Writes the summary as JSON into `file` and commits it.
    public func write(to file: OutputFile) throws(IOFailure) {
        var writer = JSONWriter()
        writer.write(json)
        writer.appendByte(0x0A)
        try file.write(writer.bytes)
        try file.commit()
    }

    /// Adds another run of the same pipeline (a shard): counts, bytes and seconds add up, as do the corpus figures.
    public mutating func merge(_ other: RunSummary) throws(StatsFileError) {
        guard stages.map(\.name) == other.stages.map(\.name) else {
            throw StatsFileError(
                "the runs have different stages (\(stages.map(\.name).joined(separator: ", ")) and \(other.stages.map(\.name).joined(separator: ", ")))"
            )
        }
        guard (corpus == nil) == (other.corpus == nil) else {
            throw StatsFileError("one run has corpus statistics and the other has none")
        }
        for index in stages.indices { stages[index].merge(other.stages[index]) }
        filesTotal += other.filesTotal
        filesDone += other.filesDone
        compressedBytes += other.compressedBytes
        writtenDocuments += other.writtenDocuments
        outputBytes += other.outputBytes
        wallSeconds += other.wallSeconds
        interrupted = interrupted || other.interrupted
        failure = failure ?? other.failure
        inputProblems += other.inputProblems
        skippedInputs += other.skippedInputs
        if let otherCorpus = other.corpus { corpus?.merge(otherCorpus) }
        // Every value read is at most 2^53, so one addition cannot overflow; the sums are checked against the same
        // bound by reading the merged summary back.
        do throws(StatsFileError) {
            _ = try RunSummary(json: json)
        } catch {
            throw StatsFileError("the merged counts are out of range: \(error.message)")
        }
    }

    /// For a run that carried on from another's batches (the cluster reduce phase from the map phase's): that run's
    /// counts of the first `count` steps, which it ran, and its inputs' figures.
    mutating func takeFirstSteps(_ count: Int, from first: RunSummary) {
        for index in 0..<min(count, stages.count, first.stages.count) { stages[index] = first.stages[index] }
        filesTotal = first.filesTotal
        filesDone = first.filesDone
        compressedBytes = first.compressedBytes
        inputProblems = first.inputProblems
        skippedInputs = first.skippedInputs
    }

    /// A byte count for people: `812 B`, `9.9 kB`, `40.3 MB`, `1.20 GB`.
    static func size(_ bytes: Int) -> String {
        switch bytes {
        case ..<1_000: "\(bytes) B"
        case ..<1_000_000: String(format: "%.1f kB", Double(bytes) / 1e3)
        case ..<1_000_000_000: String(format: "%.1f MB", Double(bytes) / 1e6)
        default: String(format: "%.2f GB", Double(bytes) / 1e9)
        }
    }

    static func format(seconds: Double) -> String { String(format: "%.2f s", seconds) }
}

extension RunSummary {
    /// Adds what each stage counted in `batch` (step by step, then `output`).
    mutating func addCounters(of batch: WorkBatch) {
        for index in stages.indices { stages[index].merge(batch.counters[index]) }
    }

    /// Counts `batch` as written: its documents, output bytes and corpus figures.
    mutating func addWritten(_ batch: WorkBatch) {
        writtenDocuments += batch.documents.count
        outputBytes += batch.output.count
        if let corpus = batch.corpus { self.corpus?.merge(corpus) }
    }
}
