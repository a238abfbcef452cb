import ArgumentParser
import Foundation
import Winnow

/// Options that `run` and `bench` share.
struct RunTuning: ParsableArguments {
    // .unconditional: `--jobs -1` is a value to refuse with a message, not a missing value and an unknown option.
    @Option(parsing: .unconditional, help: "Batches processed in parallel (default: the number of active processors).")
    var jobs: Int?

    @Option(help: ArgumentHelp("Records per batch at most.", visibility: .hidden))
    var batchRecords: Int = 1000

    @Option(help: ArgumentHelp("Bytes per batch at most.", visibility: .hidden))
    var batchBytes: Int = 1 << 20

    @Option(help: "The longest record read, in bytes (a JSONL line, a text file); longer ones are rejected unread.")
    var maxRecordBytes: Int = 256 << 20

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if batchRecords < 1 { throw ValidationError("--batch-records must be at least 1") }
        if batchBytes < 1 { throw ValidationError("--batch-bytes must be at least 1") }
        if maxRecordBytes < 1 { throw ValidationError("--max-record-bytes must be at least 1") }
    }

    /// The most jobs that can help: four per core (more only add batches in flight, so memory, never speed).
    static var maximumJobs: Int { max(4, Runner.defaultJobs * 4) }

    func runnerOptions() -> Runner.Options {
        if let jobs, jobs > Self.maximumJobs {
            printError(
                "winnow: --jobs \(jobs) is capped at \(Self.maximumJobs) (four per core); the output does not depend on it"
            )
        }
        var options = Runner.Options(jobs: min(jobs ?? Runner.defaultJobs, Self.maximumJobs))
        options.maximumBatchRecords = batchRecords
        options.maximumBatchBytes = batchBytes
        options.maximumRecordBytes = maxRecordBytes
        return options
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Runs a pipeline over inputs and writes JSONL (stdout by default).",
        discussion: """
            INPUT: files, directories (their .jsonl/.ndjson/.json/.txt/.warc/.wet files, optionally .gz, read recursively \
            in sorted order) or - for stdin; none given: the pipeline's input.paths. gzip is recognised by its first bytes.
            """
    )

    @Argument(help: "The pipeline file.")
    var pipeline: String

    @Argument(help: "Input files, directories, or - for stdin.")
    var inputs: [String] = []

    @Option(
        name: .shortAndLong,
        help:
            "Output file (.gz, .zst compress) or DIR/ (rotated files DIR/00000.jsonl.gz … of output.max_file_bytes); - or absent: stdout (or the pipeline's output.path)."
    )
    var output: String?

    @Option(help: "Write dropped and unreadable records here (JSONL; .gz compresses).")
    var rejects: String?

    @Option(help: "Write the run summary as JSON here.")
    var stats: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Show progress on stderr (default: when stderr is a terminal); a line every 30 s when stderr is not a terminal."
    )
    var progress: Bool?

    @Option(
        help: ArgumentHelp(
            "Write a progress line to stderr every SECONDS (a heartbeat for batch logs) instead of a redrawn line.",
            valueName: "SECONDS"))
    var logEvery: Double?

    @Flag(help: "Fail the run (exit 1, no output file) when any record is rejected.")
    var strict = false

    @Option(
        help: ArgumentHelp(
            "Fail the run (exit 1, no output file) when more than this share of the records read is rejected, e.g. 0.01.",
            valueName: "R"))
    var maxRejectRatio: Double?

    @Option(
        help: ArgumentHelp(
            "Read only shard I of N of the inputs (by a stable hash of each file's path), e.g. 2/8; auto/N takes I from SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN) or JOB_COMPLETION_INDEX, counted from 0.",
            valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("The number of the first shard in --shard I/N: 1 (default) or 0.", valueName: "0|1"))
    var shardBase: Int = 1

    @Option(
        help: ArgumentHelp(
            "Keep each input's results in DIR as it finishes; a rerun with the same DIR skips the finished inputs and writes the same output as one uninterrupted run.",
            valueName: "DIR"))
    var resume: String?

    @Flag(help: "Name on stderr every file of an input directory that is not read, and why.")
    var verbose = false

    @OptionGroup var tuning: RunTuning

    func validate() throws {
        if let logEvery, !(logEvery > 0) {
            throw ValidationError("--log-every must be a positive number of seconds, e.g. 30")
        }
        if let maxRejectRatio, !(0...1).contains(maxRejectRatio) {
            throw ValidationError("--max-reject-ratio must be a share from 0 to 1, e.g. 0.01; got \(maxRejectRatio)")
        }
        guard shardBase == 0 || shardBase == 1 else {
            throw ValidationError("--shard-base must be 0 or 1; got \(shardBase)")
        }
        if let shard { _ = try Self.parseShard(shard, base: shardBase) }
    }

    /// `I/N` → the shard's number from 1 (`InputFile.shard` counts from 1): with `base` 1, 1 ≤ I ≤ N; with 0,
    /// 0 ≤ I < N; `auto/N` reads the array task's index (0-based) from Slurm's or Kubernetes' environment.
    static func parseShard(
        _ text: String, base: Int, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[1]), count >= 1 else {
            throw ValidationError("--shard must be I/N (or auto/N), e.g. 2/8; got '\(text)'")
        }
        if parts[0] == "auto" {
            let index: Int
            if let task = environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }) {
                index = task - (environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0)
            } else if let completion = environment["JOB_COMPLETION_INDEX"].flatMap({ Int($0) }) {
                index = completion
            } else {
                throw ValidationError(
                    "--shard auto/\(count): neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set (run it as an array task, or give I/N)"
                )
            }
            guard (0..<count).contains(index) else {
                throw ValidationError(
                    "--shard auto/\(count): the array task's index \(index) (from 0) is not below \(count); submit an array of \(count) tasks"
                )
            }
            return (index + 1, count)
        }
        let range = base == 0 ? 0...(count - 1) : 1...count
        guard let index = Int(parts[0]), range.contains(index) else {
            throw ValidationError(
                "--shard must be I/N with \(range.lowerBound) <= I <= \(range.upperBound)\(base == 1 ? " (or --shard-base 0 to count from 0)" : ""), e.g. \(base == 0 ? "0" : "2")/8; got '\(text)'"
            )
        }
        return (index - base + 1, count)
    }

    func run() async throws {
        let loaded = try loadPipeline(pipeline)
        let listing = try resolveInputs(inputs, pipeline: loaded, pipelinePath: pipeline)
        var inputFiles = listing.files
        // A directory output's files are named after the shard (`3-00000.jsonl.gz`), counted as the user counts.
        var namePrefix = ""
        if let shard {
            let (index, count) = try Self.parseShard(shard, base: shardBase)
            inputFiles = InputFile.shard(inputFiles, index: index, of: count)
            namePrefix = "\(index - 1 + (shard.hasPrefix("auto/") ? 0 : shardBase))-"
        }
        let outputPath = output ?? loaded.outputPath ?? "-"
        if loaded.maximumFileBytes != nil && !outputPath.hasSuffix("/") {
            printError(
                "winnow: note: output.max_file_bytes applies to a directory output (-o DIR/); \(outputPath) is one file"
            )
        }
        let namedOutputs =
            [("-o", outputPath)] + (rejects.map { [("--rejects", $0)] } ?? []) + (stats.map { [("--stats", $0)] } ?? [])
        if let clash = OutputFile.conflict(among: namedOutputs) {
            printError("winnow: \(clash)")
            throw ExitCode(2)
        }
        let trap = SignalTrap()
        let outputFile: OutputFile
        var rejectsFile: OutputFile?
        var statsFile: OutputFile?
        do {
            // Every output is opened before any input is read: a missing directory fails at once, not after the run.
            outputFile = try OutputFile(
                path: outputPath, maximumFileBytes: loaded.maximumFileBytes, namePrefix: namePrefix)
            rejectsFile = try rejects.map { (path) throws(IOFailure) in try OutputFile(path: path) }
            statsFile = try stats.map { (path) throws(IOFailure) in try OutputFile(path: path) }
        } catch {
            printError("winnow: \(error)")
            throw ExitCode(1)
        }
        if let level = loaded.compressionLevel {
            for file in [outputFile] + (rejectsFile.map { [$0] } ?? [])
            where file.compression != .none && !file.compression.levels.contains(level) {
                printError(
                    "winnow: output.compression_level \(level) is not a \(file.compression.rawValue) level (\(file.compression.levels.lowerBound)–\(file.compression.levels.upperBound)) for \(file.path)"
                )
                throw ExitCode(2)
            }
        }
        var reporter: ProgressReporter?
        if progress ?? (ProgressReporter.standardErrorIsTerminal || logEvery != nil) {
            let sizes = inputFiles.map(\.size)
            let style: ProgressReporter.Style =
                logEvery.map { .heartbeat(seconds: $0) }
                ?? (ProgressReporter.standardErrorIsTerminal ? .terminal : .heartbeat(seconds: 30))
            reporter = ProgressReporter(
                totalFiles: inputFiles.count,
                totalCompressedBytes: sizes.contains(nil) ? nil : sizes.reduce(0) { $0 + ($1 ?? 0) }, style: style)
        }
        var options = tuning.runnerOptions()
        options.collectCorpusStatistics = stats != nil
        var resumeStore: ResumeStore?
        if let resume {
            guard !inputFiles.contains(where: { $0.path == "-" }) else {
                printError("winnow: --resume needs files: standard input cannot be read again")
                throw ExitCode(2)
            }
            do {
                let manifest = ResumeStore.manifest(
                    pipelineText: (try? String(contentsOfFile: pipeline, encoding: .utf8)) ?? pipeline,
                    inputs: inputFiles,
                    outputCompression: outputFile.compression, keepRejects: rejectsFile != nil,
                    corpusStatistics: stats != nil)
                resumeStore = try ResumeStore(directory: resume, manifest: manifest, keepRejects: rejectsFile != nil)
            } catch {
                printError("winnow: \(error)")
                throw ExitCode(1)
            }
        }
        // clean's two-pass repeated_lines and dedup's keep: longest: passes over the inputs before the run writes any.
        do { try ClusterPhases.checkPasses(loaded, inputs: inputFiles) } catch {
            printError("winnow: \(error)")
            throw ExitCode(2)
        }
        let passesStarted = Date()
        let prepared: ClusterPhases.PreparedRun
        do {
            prepared = try await ClusterPhases.prepare(
                loaded, inputs: inputFiles, options: options,
                announce: reporter == nil ? nil : { printError("winnow: " + $0) })
        } catch {
            printError("winnow: \(error)")
            throw ExitCode(1)
        }
        defer { if let directory = prepared.workDirectory { try? FileManager.default.removeItem(atPath: directory) } }
        let passSeconds = Date().timeIntervalSince(passesStarted)
        let runner = Runner(pipeline: prepared.pipeline, options: options)
        var (summary, rejectsViolation) = await runner.runAndCommit(
            inputs: inputFiles,
            to: .init(
                output: outputFile, rejects: rejectsFile, progress: reporter, cancellation: trap.flag,
                resume: resumeStore),
            policy: RejectPolicy(strict: strict, maximumRatio: maxRejectRatio)
        ) { summary in
            summary.wallSeconds += passSeconds
            prepared.annotate(&summary)
        }
        summary.peakResidentBytes = RunSummary.processPeakResidentBytes()
        summary.skippedInputs = listing.skipped.count
        if verbose { listing.skipped.forEach { printError("winnow: \($0)") } }
        if let statsFile {
            do throws(IOFailure) {
                try summary.write(to: statsFile)
            } catch {
                printError("winnow: cannot write the stats: \(error)")
                if summary.failure == nil { summary.failure = "\(error)" }
            }
        }
        // `winnow run … | head`: the reader has what it wanted. Like other Unix tools killed by SIGPIPE, end quietly
        // with 141 (128 + SIGPIPE), and without a "failed" summary; the other outputs were abandoned as for any failure.
        if outputPath == "-" || OutputFile.inheritedDescriptor(outputPath) == 1,
            summary.failure?.hasSuffix(IOFailure.brokenPipe) == true
        {
            throw ExitCode(141)
        }
        printError(summary.text)
        if summary.interrupted { throw ExitCode(trap.interruptedExitCode) }
        if summary.failure != nil || !summary.inputProblems.isEmpty { throw ExitCode(1) }
        if summary.read > 0 && summary.rejected == summary.read {
            printError(
                "winnow: WARNING: every record read (\(summary.read)) was rejected, nothing was written; the reasons are above "
                    + "(is decode's format or text_field right for these inputs?)")
        }
        if let rejectsViolation {
            printError("winnow: " + rejectsViolation)
            throw ExitCode(1)
        }
    }
}
