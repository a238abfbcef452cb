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

        public init(
            output: OutputFile?, rejects: OutputFile? = nil, progress: ProgressReporter? = nil,
            cancellation: CancellationFlag = CancellationFlag(),
            resume: ResumeStore? = nil
        ) {
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
        let reader = BatchReader(
            inputs: inputs, format: pipeline.decode.configuration.format,
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
        let outputCompression = destinations.output?.compression ?? .none,
            rejectsCompression = destinations.rejects?.compression ?? .none
        let keepsRejects = destinations.rejects != nil || options.spillHashes != nil
        let encoding = EncodingPlan(
            output: outputCompression, outputLevel: pipeline.compressionLevel ?? outputCompression.defaultLevel,
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
        var part = ResumePart(
            stageNames: summary.stages.map(\.name), input: destinations.resume?.finishedInputs ?? 0,
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
                        group.addTask {
                            BatchWorker.runFirst(phases[0], raw: raw, decode: decode, steps: steps, encoding: encoding)
                        }
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
                                guard batch.sequence == sequence else {
                                    throw SpillError("batch \(batch.sequence) where \(sequence) was due")
                                }
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
                        group.addTask { BatchWorker.runParallel(phase, on: batch, steps: steps, encoding: encoding) }
                        continue
                    }
                    writeBuffer[batch.sequence] = batch
                    while let ready = writeBuffer.removeValue(forKey: nextToWrite) {
                        nextToWrite += 1
                        inFlight -= 1
                        bytesInFlight -= inputBytes.removeValue(forKey: ready.sequence) ?? 0
                        let problems: () -> [InputProblem] = {
                            if case .inputs(let readAhead) = source { readAhead.progress.problems } else { [] }
                        }
                        write(
                            ready, to: destinations, summary: &summary, part: &part, inputs: inputs,
                            problems: problems())
                    }
                }
                if case .inputs(let readAhead) = source {
                    let progress = readAhead.progress
                    destinations.progress?.update(
                        filesDone: progress.filesDone, compressedBytes: progress.compressedBytes, summary: summary)
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
    private func write(
        _ batch: WorkBatch, to destinations: Destinations, summary: inout RunSummary, part: inout ResumePart,
        inputs: [InputFile], problems: @autoclosure () -> [InputProblem]
    ) {
        summary.addCounters(of: batch)
        if let failure = batch.failure, summary.failure == nil { summary.failure = failure }
        // After a failed write nothing more is written: those documents count as "not finished".
        guard summary.failure == nil else { return }
        do {
            if let resume = destinations.resume {
                try part.add(batch, to: resume, inputs: inputs, problems: problems())
                summary.addWritten(batch)
            } else {
                if let output = destinations.output, !batch.output.isEmpty { try output.write(batch.output) }
                summary.addWritten(batch)
                if let rejects = destinations.rejects, !batch.rejectBytes.isEmpty {
                    try rejects.write(batch.rejectBytes)
                }
            }
        } catch {
            summary.failure = "\(error)"
        }
    }
}
