#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a pipeline over inputs with structured concurrency and writes JSONL in input order.
///
/// ```
///  inputs (files, dirs, '-')            read in order on a reader thread (ReadAhead): gzip → lines → batches
///    │  ≈ 1 MB or 1,000 records a batch, numbered in input order
///    ▼
///  per-document stages (decode, clean, …) in child tasks of one TaskGroup, up to 2 × jobs batches in flight
///    ▼
///  ordered stages, on the run's task, strictly in batch order (a reorder buffer per ordered stage)
///    ▼
///  encoding (JSONL, gzip members or zstd frames) in child tasks → reorder buffer → writer: output, rejects, summary
/// ```
///
/// Back-pressure: no batch is read while `2 × jobs` are in flight, or while their input bytes pass a budget
/// (`Options.maximumBytesInFlight`), so memory is bounded by the batch size, the record limit and the job count,
/// never by the input. Output order depends only on the input and the batch limits, so the output is
/// byte-identical for any `--jobs`. The first error (a failed write) cancels the rest; a set `CancellationFlag`
/// stops reading and drains what is in flight.
public struct Runner {
    /// How a run is carried out.
    public struct Options: Sendable {
        /// Batches processed at once; the default is the number of active processors.
        public var jobs: Int
        public var maximumBatchBytes = 1 << 20
        public var maximumBatchRecords = 1000
        /// The longest record read (a JSONL line, a text input, a WARC record); longer ones are rejected without being
        /// held in memory.
        public var maximumRecordBytes = 256 << 20
        /// Input bytes in batches read ahead, or in flight, at most (each; one batch is always let through): what
        /// bounds memory when records are large, as `2 × jobs` bounds it for ordinary ones. The default never
        /// holds back ordinary batches (`2 × jobs` of at most `maximumBatchBytes`).
        public var maximumBytesInFlight: Int?
        var bytesInFlightBudget: Int { maximumBytesInFlight ?? max(64 << 20, 4 * jobs * maximumBatchBytes) }
        /// Discard the encoded output instead of writing it (benchmarks): the work is the same.
        public var discardOutput = false
        /// Collect `CorpusStatistics` of the written documents (for `--stats`).
        public var collectCorpusStatistics = false
        /// Write each batch as it leaves the last step as a `BatchSpill` frame to the output, rejects included,
        /// keeping the hashes of these ordered stages, so that another run can carry on from there (the cluster
        /// map phase). Nil: write JSONL.
        var spillHashes: Set<String>?

        public init(jobs: Int = Runner.defaultJobs) { self.jobs = max(1, jobs) }
    }

    /// The number of active processors.
    public static var defaultJobs: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    public let pipeline: Pipeline
    public let options: Options

    public init(pipeline: Pipeline, options: Options) {
        self.pipeline = pipeline
        self.options = options
    }

    /// A run's sinks and observers.
    public struct Destinations {
        public var output: OutputFile?
        public var rejects: OutputFile?
        public var progress: ProgressReporter?
        public var cancellation: CancellationFlag
        /// With `--resume`: each input's results go to the store's parts instead of `output` and `rejects`, and the
        /// ordered stages start from its saved states; the inputs given are the ones still to do.
        public var resume: ResumeStore?

        public init(output: OutputFile?, rejects: OutputFile? = nil, progress: ProgressReporter? = nil, cancellation: CancellationFlag = CancellationFlag(),
                    resume: ResumeStore? = nil) {
            self.output = output
            self.rejects = rejects
            self.progress = progress
            self.cancellation = cancellation
            self.resume = resume
        }
    }

    /// Runs the pipeline over `inputs`. Write failures end the run early and are reported in the summary's
    /// `failure`; input problems are counted as rejects and listed in `inputProblems`. Files are not committed here:
    /// the caller commits or abandons them according to the summary.
    public func run(inputs: [InputFile], to destinations: Destinations) async -> RunSummary {
        let reader = BatchReader(inputs: inputs, format: pipeline.decode.configuration.format,
                                 maximumBatchBytes: options.maximumBatchBytes, maximumBatchRecords: options.maximumBatchRecords,
                                 cancellation: destinations.cancellation)
        reader.maximumRecordBytes = options.maximumRecordBytes
        if let resume = destinations.resume {
            reader.batchesEndAtInputs = true
            reader.firstOrdinal = resume.firstOrdinal
        }
        let readAhead = ReadAhead(reader: reader, capacity: options.jobs + 1, byteBudget: options.bytesInFlightBudget)
        var summary = await run(.inputs(readAhead), inputs: inputs, to: destinations)
        let progress = readAhead.progress
        summary.filesDone = progress.filesDone
        summary.compressedBytes = progress.compressedBytes
        summary.inputProblems = progress.problems
        return summary
    }

    /// Carries on from the batches another run of this pipeline wrote at ordered step `step` (`BatchSpill`; the
    /// cluster map phase writes them, the reduce phase carries on): the documents and rejects enter that step as
    /// they left the first run, so the output is the one a single run writes. The summary counts the steps from
    /// `step` on; the caller adds what the first run counted before it (and its inputs' figures).
    func run(continuingFrom path: String, atStep step: Int, to destinations: Destinations) async -> RunSummary {
        let phases = Phase.plan(pipeline.steps)
        func failed(_ message: String) -> RunSummary {
            var summary = RunSummary(stageNames: stageNames)
            summary.failure = message
            return summary
        }
        guard let entry = phases.firstIndex(where: { if case .ordered(step) = $0 { true } else { false } }) else {
            return failed("step \(step) of the pipeline is not an ordered stage to carry on from")
        }
        do {
            return await run(.spill(try BatchSpill.Reader(path: path), phase: entry), inputs: [], to: destinations)
        } catch {
            return failed("\(error)")
        }
    }

    /// The summary's stage names: the pipeline's steps, then `output`.
    private var stageNames: [String] { pipeline.steps.map(\.name) + ["output"] }

    /// Where a run's batches come from.
    private enum BatchSource {
        /// Records read from the inputs, decoded by the first step.
        case inputs(ReadAhead)
        /// Batches a first run spilled, entering at phase `phase`.
        case spill(BatchSpill.Reader, phase: Int)
    }

    private func run(_ source: BatchSource, inputs: [InputFile], to destinations: Destinations) async -> RunSummary {
        let phases = Phase.plan(pipeline.steps)
        var summary = RunSummary(stageNames: stageNames)
        summary.filesTotal = inputs.count
        if options.collectCorpusStatistics { summary.corpus = CorpusStatistics() }
        let outputCompression = destinations.output?.compression ?? .none, rejectsCompression = destinations.rejects?.compression ?? .none
        let keepsRejects = destinations.rejects != nil || options.spillHashes != nil
        let encoding = EncodingPlan(output: outputCompression, outputLevel: pipeline.compressionLevel ?? outputCompression.defaultLevel,
                                    outputLayout: pipeline.outputLayout, rejectsLayout: keepsRejects ? pipeline.rejectsLayout : nil,
                                    rejects: rejectsCompression,
                                    rejectsLevel: pipeline.compressionLevel ?? rejectsCompression.defaultLevel,
                                    discardOutput: options.discardOutput, collectCorpusStatistics: options.collectCorpusStatistics,
                                    spillHashes: options.spillHashes)
        var scheduler = Scheduler(phases: phases, steps: pipeline.steps, rejectsLayout: encoding.rejectsLayout)
        scheduler.checkpoints = destinations.resume != nil
        do {
            try scheduler.start()
            if let resume = destinations.resume { try scheduler.restore(try resume.savedStates()) }
        } catch {
            summary.failure = "\(error)"
            return summary
        }
        var part = ResumePart(stageNames: summary.stages.map(\.name), input: destinations.resume?.finishedInputs ?? 0,
                              corpus: options.collectCorpusStatistics)
        let limit = 2 * options.jobs
        let start = Clock.now
        let steps = pipeline.steps
        let budget = options.bytesInFlightBudget
        var source = source

        await withTaskGroup(of: WorkBatch.self) { group in
            var inFlight = 0
            var bytesInFlight = 0
            var inputBytes: [Int: Int] = [:]
            var reading = true
            var writeBuffer: [Int: WorkBatch] = [:]
            var nextToWrite = 0
            var nextSequence = 0
            let decode = pipeline.decode
            let freshCounters = steps.map { StageCounters(name: $0.name) } + [StageCounters(name: "output")]

            while true {
                while reading && inFlight < limit && (inFlight == 0 || bytesInFlight < budget) {
                    if destinations.cancellation.isSet || summary.failure != nil {
                        summary.interrupted = summary.failure == nil
                        if case .inputs(let readAhead) = source { readAhead.stop() }
                        reading = false
                        break
                    }
                    switch source {
                    case .inputs(let readAhead):
                        guard let raw = await readAhead.next() else {
                            reading = false
                            continue
                        }
                        inputBytes[raw.sequence] = raw.bytes.count
                        bytesInFlight += raw.bytes.count
                        group.addTask { Phase.runFirst(phases[0], raw: raw, decode: decode, steps: steps, encoding: encoding) }
                    case .spill(var reader, let phase):
                        let frame: [UInt8]?
                        do {
                            frame = try reader.next()
                        } catch {
                            summary.failure = "\(error)"
                            continue
                        }
                        source = .spill(reader, phase: phase)
                        guard let frame else {
                            reading = false
                            continue
                        }
                        let sequence = nextSequence, path = reader.file.path
                        inputBytes[sequence] = frame.count
                        bytesInFlight += frame.count
                        group.addTask {
                            do {
                                var batch = try BatchSpill.batch(from: frame, phase: phase, counters: freshCounters)
                                guard batch.sequence == sequence else { throw SpillError("batch \(batch.sequence) where \(sequence) was due") }
                                batch.sequence = sequence
                                return batch
                            } catch {
                                var batch = WorkBatch(sequence: sequence, phase: phase, counters: freshCounters)
                                batch.failure = "\(path): \(error)"
                                return batch
                            }
                        }
                    }
                    nextSequence += 1
                    inFlight += 1
                }
                guard inFlight > 0, let finished = await group.next() else { break }
                for batch in scheduler.advance(finished) {
                    if batch.phase < phases.count {
                        let phase = phases[batch.phase]
                        group.addTask { Phase.runParallel(phase, on: batch, steps: steps, encoding: encoding) }
                        continue
                    }
                    writeBuffer[batch.sequence] = batch
                    while let ready = writeBuffer.removeValue(forKey: nextToWrite) {
                        nextToWrite += 1
                        inFlight -= 1
                        bytesInFlight -= inputBytes.removeValue(forKey: ready.sequence) ?? 0
                        let problems: () -> [InputProblem] = { if case .inputs(let readAhead) = source { readAhead.progress.problems } else { [] } }
                        write(ready, to: destinations, summary: &summary, part: &part, inputs: inputs, problems: problems())
                    }
                }
                if case .inputs(let readAhead) = source {
                    let progress = readAhead.progress
                    destinations.progress?.update(filesDone: progress.filesDone, compressedBytes: progress.compressedBytes, summary: summary)
                }
            }
        }
        // A cancellation that came once everything was read still stops the run: the caller commits nothing.
        if destinations.cancellation.isSet && summary.failure == nil { summary.interrupted = true }
        if summary.failure == nil && !summary.interrupted {
            do { try scheduler.finish() } catch { summary.failure = "\(error)" }
        }
        if summary.failure != nil || summary.interrupted { destinations.resume?.abandonCurrent() }
        summary.wallSeconds = Clock.seconds(since: start)
        destinations.progress?.finish()
        return summary
    }

    /// `problems` is read (under the reader's lock) only when a `--resume` input completes.
    private func write(_ batch: WorkBatch, to destinations: Destinations, summary: inout RunSummary, part: inout ResumePart,
                       inputs: [InputFile], problems: @autoclosure () -> [InputProblem]) {
        for index in summary.stages.indices { summary.stages[index].merge(batch.counters[index]) }
        if let failure = batch.failure, summary.failure == nil { summary.failure = failure }
        // After a failed write nothing more is written: those documents count as "not finished".
        guard summary.failure == nil else { return }
        if let corpus = batch.corpus { summary.corpus?.merge(corpus) }
        do {
            if let resume = destinations.resume {
                try part.add(batch, to: resume, inputs: inputs, problems: problems())
                summary.outputBytes += batch.output.count
                summary.writtenDocuments += batch.documents.count
            } else {
                if let output = destinations.output, !batch.output.isEmpty {
                    try output.write(batch.output)
                    summary.outputBytes += batch.output.count
                }
                summary.writtenDocuments += batch.documents.count
                if let rejects = destinations.rejects, !batch.rejectBytes.isEmpty { try rejects.write(batch.rejectBytes) }
            }
        } catch {
            summary.failure = "\(error)"
        }
    }
}

/// The summary of the input being written in a `--resume` run, handed to the store when the input completes.
struct ResumePart {
    let stageNames: [String]
    let collectsCorpus: Bool
    /// The input being written, counted over all of the run's inputs (finished ones included).
    var input: Int
    var summary: RunSummary

    init(stageNames: [String], input: Int, corpus: Bool) {
        (self.stageNames, self.input, collectsCorpus) = (stageNames, input, corpus)
        summary = Self.empty(stageNames, corpus: corpus)
    }

    private static func empty(_ stageNames: [String], corpus: Bool) -> RunSummary {
        var summary = RunSummary(stageNames: stageNames)
        if corpus { summary.corpus = CorpusStatistics() }
        return summary
    }

    /// Writes a batch to the input's parts; completes the input after its last batch. `inputs` are this run's
    /// (the unfinished ones), `problems` the reader's so far.
    mutating func add(_ batch: WorkBatch, to store: ResumeStore, inputs: [InputFile], problems: @autoclosure () -> [InputProblem]) throws {
        for index in summary.stages.indices { summary.stages[index].merge(batch.counters[index]) }
        if let corpus = batch.corpus { summary.corpus?.merge(corpus) }
        try store.append(output: batch.output, rejects: batch.rejectBytes, input: input)
        summary.writtenDocuments += batch.documents.count
        summary.outputBytes += batch.output.count
        guard let completed = batch.completedInput else { return }
        let file = inputs[completed.index]
        summary.filesTotal = 1
        summary.filesDone = 1
        summary.compressedBytes = file.size ?? 0
        summary.inputProblems = problems().filter { $0.path == file.path }
        try store.complete(input: input, summary: summary, states: batch.states, nextOrdinal: completed.nextOrdinal)
        input += 1
        summary = Self.empty(stageNames, corpus: collectsCorpus)
    }
}

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

/// A step of the run: per-document stages in parallel, or one ordered stage on the run's task.
enum Phase: Sendable {
    /// Indices into the pipeline's steps, run in a child task; `encodes` marks the last phase.
    case parallel(steps: [Int], encodes: Bool)
    case ordered(step: Int)

    /// Cuts the steps into phases: runs of per-document stages between ordered stages, and a parallel phase at the end
    /// that encodes the output (so encoding and compression always run on all jobs).
    static func plan(_ steps: [PipelineStep]) -> [Phase] {
        var phases: [Phase] = []
        var run: [Int] = []
        for (index, step) in steps.enumerated() {
            if case .ordered = step {
                phases.append(.parallel(steps: run, encodes: false))
                phases.append(.ordered(step: index))
                run = []
            } else {
                run.append(index)
            }
        }
        phases.append(.parallel(steps: run, encodes: true))
        return phases
    }

    /// The first phase: decode a raw batch, then the phase's stages.
    static func runFirst(_ phase: Phase, raw: RawBatch, decode: DecodeStage, steps: [PipelineStep], encoding: EncodingPlan) -> WorkBatch {
        var batch = WorkBatch(sequence: raw.sequence, phase: 0, counters: steps.map { StageCounters(name: $0.name) } + [StageCounters(name: "output")])
        batch.completedInput = raw.completedInput
        let started = Clock.threadCPU
        var parser = JSONParser()
        batch.documents.reserveCapacity(raw.records.count)
        var counters = batch.counters[0]
        raw.bytes.withUnsafeBytes { bytes in
            for record in raw.records {
                do throws(DecodeStage.RecordError) {
                    switch try decode.decode(record, of: raw, parser: &parser) {
                    case .skipped(let note):
                        if let note { counters.notes[note, default: 0] += 1 }
                    case .document(let document):
                        counters.documentsIn += 1
                        counters.kept += 1
                        counters.textBytes += record.end - record.start
                        if case .string(let name)? = document.fields["encoding"] {
                            counters.notes["encoding \(name)", default: 0] += 1
                            if case .number(let count)? = document.fields["replaced_sequences"], let replaced = Int(count), replaced > 0 {
                                counters.notes["replaced_sequences", default: 0] += replaced
                            }
                        }
                        batch.documents.append(document)
                    }
                } catch {
                    counters.documentsIn += 1
                    counters.reject(error.reason)
                    if encoding.keepRejects {
                        let source = SourceLocation(file: raw.path(of: record), line: record.line, byteOffset: record.byteOffset)
                        var writer = JSONWriter()
                        RecordEncoder.appendFailure(error: error.message, stage: DecodeStage.name, source: source,
                                                    raw: UnsafeRawBufferPointer(rebasing: bytes[record.start..<record.end]), to: &writer)
                        batch.rejects.append(Reject(ordinal: record.ordinal, bytes: writer.bytes))
                    }
                }
            }
        }
        counters.seconds = Clock.cpuSeconds(since: started)
        batch.counters[0] = counters
        return runParallel(phase, on: batch, steps: steps, encoding: encoding)
    }

    /// Runs a parallel phase's stages over every document of the batch, stage by stage, then encodes if it is last.
    static func runParallel(_ phase: Phase, on batch: WorkBatch, steps: [PipelineStep], encoding: EncodingPlan) -> WorkBatch {
        guard case .parallel(let indices, let encodes) = phase else { preconditionFailure("not a parallel phase") }
        var batch = batch
        for index in indices {
            guard case .document(let stage) = steps[index] else { continue }
            let started = Clock.threadCPU
            var counters = batch.counters[index]
            batch.documents = apply(stageNamed: steps[index].name, to: batch.documents, counters: &counters, rejects: &batch.rejects,
                                    rejectsLayout: encoding.rejectsLayout) { try stage.process(&$0) }
            counters.seconds += Clock.cpuSeconds(since: started)
            batch.counters[index] = counters
        }
        batch.phase += 1
        if encodes { encode(&batch, encoding) }
        return batch
    }

    /// Runs one stage over documents, counting and routing drops and failures; returns the kept documents.
    static func apply(stageNamed name: String, to documents: [Document], counters: inout StageCounters, rejects: inout [Reject],
                      rejectsLayout: RecordLayout?, _ process: (inout Document) throws -> Verdict) -> [Document] {
        var kept: [Document] = []
        var encoder = rejectsLayout.map(RecordEncoder.init(layout:))
        kept.reserveCapacity(documents.count)
        for var document in documents {
            counters.documentsIn += 1
            counters.textBytes += document.text.utf8.count
            do {
                switch try process(&document) {
                case .keep:
                    counters.kept += 1
                    kept.append(document)
                case .drop(let reason):
                    counters.dropped[reason, default: 0] += 1
                    if encoder != nil {
                        var writer = JSONWriter()
                        encoder!.append(document, dropped: (name, reason), to: &writer)
                        rejects.append(Reject(ordinal: document.ordinal, bytes: writer.bytes))
                    }
                }
            } catch {
                counters.reject("\(name)_failed")
                if encoder != nil {
                    var writer = JSONWriter()
                    encoder!.append(document, error: "\(name): \(error)", to: &writer)
                    rejects.append(Reject(ordinal: document.ordinal, bytes: writer.bytes))
                }
            }
        }
        return kept
    }

    private static func encode(_ batch: inout WorkBatch, _ encoding: EncodingPlan) {
        let started = Clock.threadCPU
        let outputIndex = batch.counters.count - 1
        if let hashes = encoding.spillHashes {
            batch.output = BatchSpill.frame(batch, keepingHashes: hashes)
            batch.rejects = []
            batch.counters[outputIndex].seconds = Clock.cpuSeconds(since: started)
            return
        }
        batch.counters[outputIndex].documentsIn = batch.documents.count
        batch.counters[outputIndex].kept = batch.documents.count
        var writer = JSONWriter(reservingCapacity: batch.documents.reduce(0) { $0 + $1.text.utf8.count } + 256 * batch.documents.count)
        var encoder = RecordEncoder(layout: encoding.outputLayout)
        for document in batch.documents {
            batch.counters[outputIndex].textBytes += document.text.utf8.count
            encoder.append(document, to: &writer)
        }
        batch.output = encoding.output.frame(writer.bytes, level: encoding.outputLevel)
        if encoding.collectCorpusStatistics { batch.corpus = CorpusStatistics(batch.documents) }
        if encoding.discardOutput { batch.output = [] }
        if !batch.rejects.isEmpty {
            // Stages reject at different times; sorting restores input order, so rejects never depend on batching.
            let ordered = batch.rejects.sorted { $0.ordinal < $1.ordinal }.flatMap(\.bytes)
            batch.rejectBytes = encoding.rejects.frame(ordered, level: encoding.rejectsLevel)
            batch.rejects = []
        }
        batch.counters[outputIndex].seconds = Clock.cpuSeconds(since: started)
    }
}

/// Moves batches through the phases: parallel phases go back to the task group; ordered phases run here, on the
/// run's task, strictly in batch order.
struct Scheduler {
    let phases: [Phase]
    var orderedStages: [Int: any OrderedStage] = [:]
    var waiting: [Int: [Int: WorkBatch]] = [:]
    var nextSequence: [Int: Int] = [:]
    let rejectsLayout: RecordLayout?
    /// Save each ordered stage's state after an input's last batch (`--resume`).
    var checkpoints = false

    init(phases: [Phase], steps: [PipelineStep], rejectsLayout: RecordLayout?) {
        self.phases = phases
        self.rejectsLayout = rejectsLayout
        for phase in phases {
            if case .ordered(let index) = phase, case .ordered(_, let make) = steps[index] {
                orderedStages[index] = make()
            }
        }
    }

    /// Starts every ordered stage, in pipeline order.
    mutating func start() throws {
        for index in orderedStages.keys.sorted() { try orderedStages[index]!.start() }
    }

    /// Gives ordered stages the states a resumed run saved, by step index.
    mutating func restore(_ states: [Int: [UInt8]]) throws {
        for (index, state) in states.sorted(by: { $0.key < $1.key }) {
            guard orderedStages[index] != nil else { throw ResumeError("a saved state names step \(index), which is not an ordered stage") }
            try orderedStages[index]!.restore(state)
        }
    }

    /// Finishes every ordered stage, in pipeline order.
    mutating func finish() throws {
        for index in orderedStages.keys.sorted() { try orderedStages[index]!.finish() }
    }

    /// Takes a batch that finished a parallel phase; returns the batches that now need a parallel phase, or are done
    /// (`phase == phases.count`).
    mutating func advance(_ batch: WorkBatch) -> [WorkBatch] {
        var ready: [WorkBatch] = []
        var pending = [batch]
        while let batch = pending.popLast() {
            guard batch.phase < phases.count, case .ordered(let index) = phases[batch.phase] else {
                ready.append(batch)
                continue
            }
            let phase = batch.phase
            waiting[phase, default: [:]][batch.sequence] = batch
            while var next = waiting[phase]?.removeValue(forKey: nextSequence[phase, default: 0]) {
                nextSequence[phase, default: 0] += 1
                runOrdered(index, on: &next)
                next.phase += 1
                pending.append(next)
            }
        }
        return ready
    }

    private mutating func runOrdered(_ index: Int, on batch: inout WorkBatch) {
        // Taken out of the dictionary while it runs, so its state (a dedup index of hundreds of MB) has one owner and
        // is changed in place rather than copied on write for every batch.
        guard var stage = orderedStages.removeValue(forKey: index) else { return }
        // Its own statement: `type(of: stage)` as an argument keeps a second reference to the existential's box
        // alive while the stage runs, so the first write copied the whole state, once a batch (a one-pass
        // repeated-lines table of 250 MB made that stage 70 s of a 1 M-document run; now 6 s).
        let name = type(of: stage).name
        let started = Clock.threadCPU
        var counters = batch.counters[index]
        batch.documents = Phase.apply(stageNamed: name, to: batch.documents, counters: &counters,
                                      rejects: &batch.rejects, rejectsLayout: rejectsLayout) { try stage.process(&$0) }
        counters.seconds += Clock.cpuSeconds(since: started)
        if checkpoints && batch.completedInput != nil, let state = stage.checkpoint() { batch.states[index] = state }
        orderedStages[index] = stage
        batch.counters[index] = counters
    }
}

/// Time in nanoseconds: monotonic wall time for the run, and the calling thread's CPU time for stages.
///
/// A stage runs over a batch without suspending, so on one thread; its CPU time is what "MB/s per core" means.
/// Wall time would also count the moments the thread waited for a core (with the reader thread and two workers on
/// two cores, that inflated stage times by up to half, and made them swing from run to run).
enum Clock {
    static var now: UInt64 { read(CLOCK_MONOTONIC) }
    static var threadCPU: UInt64 { read(CLOCK_THREAD_CPUTIME_ID) }

    static func seconds(since start: UInt64) -> Double { Double(now - start) / 1e9 }
    static func cpuSeconds(since start: UInt64) -> Double { Double(threadCPU - start) / 1e9 }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
