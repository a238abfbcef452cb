import Foundation

/// Why a resume directory cannot be used.
public struct ResumeError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// `--resume DIR`: a run that can be stopped (or crash) and be started again without losing or repeating work.
///
/// Each input's results are kept apart until every input is done:
///
///     manifest.json         the run: the pipeline file's text, every input's path, size and fingerprint (mtime and a
///                           hash of its first and last 64 KB), output and rejects kinds
///     parts/N.out           input N's output (JSONL, or gzip members / zstd frames as the output's name says)
///     parts/N.rejects       its rejects (with --rejects)
///     parts/N.summary.json  its summary (counters, corpus figures)
///     parts/N.state-K       ordered stage K's state after input N (dedup's index, repeated lines' tables)
///     done/N                the completion marker, holding the next record ordinal
///
/// The marker is written (temporary name, fsync, rename, fsync of `done/`) only after the part files are durable, so
/// a marker always means the input is finished. A rerun with the same manifest restores the ordered stages from the
/// last finished input's state, reads only the later inputs, and, once all are done, concatenates the parts into the
/// output: the same bytes as an uninterrupted run with `--resume`. Batches end at input boundaries in this mode.
public final class ResumeStore: @unchecked Sendable {
    public let directory: String
    /// Inputs finished by earlier runs (always a prefix: inputs finish in order).
    public let finishedInputs: Int
    /// The record ordinal the first unfinished input starts at.
    public let firstOrdinal: Int
    let keepRejects: Bool
    private var output: OutputFile?
    private var rejects: OutputFile?

    /// Opens (creating) `directory` for a run described by `manifest`; a directory made for another run is refused.
    public init(directory: String, manifest: String, keepRejects: Bool) throws(ResumeError) {
        self.directory = directory
        self.keepRejects = keepRejects
        let manager = FileManager.default
        for sub in ["", "/parts", "/done"] {
            do { try manager.createDirectory(atPath: directory + sub, withIntermediateDirectories: true) } catch {
                throw ResumeError("\(directory): cannot create the resume directory (\(error.localizedDescription))")
            }
        }
        let manifestPath = directory + "/manifest.json"
        if let existing = manager.contents(atPath: manifestPath) {
            guard String(decoding: existing, as: UTF8.self) == manifest else {
                throw ResumeError(
                    "\(directory) holds another run (its pipeline, inputs or outputs differ); use a new directory")
            }
        } else {
            try Self.writeDurably(Array(manifest.utf8), to: manifestPath)
        }
        var finished = 0, ordinal = 0
        while let marker = manager.contents(atPath: "\(directory)/done/\(Self.name(finished))") {
            guard let next = Int(String(decoding: marker, as: UTF8.self)) else { break }
            (finished, ordinal) = (finished + 1, next)
        }
        (finishedInputs, firstOrdinal) = (finished, ordinal)
    }

    /// The manifest of a run: what must be the same for a rerun to take up its parts.
    public static func manifest(
        pipelineText: String, inputs: [InputFile], outputCompression: OutputCompression, keepRejects: Bool,
        corpusStatistics: Bool
    ) -> String {
        var writer = JSONWriter()
        writer.write(
            .object([
                "pipeline": .string(pipelineText),
                "inputs": .array(
                    inputs.map {
                        .object([
                            "path": .string($0.path), "size": $0.size.map { .int($0) } ?? .null,
                            "fingerprint": .string(fingerprint($0)),
                        ])
                    }),
                "output_compression": .string(outputCompression.rawValue), "rejects": .bool(keepRejects),
                "corpus_statistics": .bool(corpusStatistics),
            ]))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// What tells an input from a same-size edit of it: its modification time (to the nanosecond) and a 64-bit hash
    /// of its first and last 64 KB. Empty when it cannot be read (the run then names it).
    static func fingerprint(_ file: InputFile) -> String {
        let descriptor = open(file.systemPath.nullTerminated, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return "" }
        let window = 64 * 1024
        var bytes = [UInt8](repeating: 0, count: 2 * window)
        let size = Int(info.st_size)
        let headCount = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, window, 0) }
        let tailCount = bytes.withUnsafeMutableBytes {
            pread(descriptor, $0.baseAddress! + window, window, off_t(max(0, size - window)))
        }
        guard headCount >= 0, tailCount >= 0 else { return "" }
        let sampled = Array(bytes[0..<headCount]) + Array(bytes[window..<(window + tailCount)])
        let hash = sampled.withUnsafeBytes { XXHash64.hash($0) }
        return "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(String(hash, radix: 16))"
    }

    /// The ordered stages' states saved after the last finished input, by step index.
    public func savedStates() throws(ResumeError) -> [Int: [UInt8]] {
        guard finishedInputs > 0 else { return [:] }
        let prefix = "\(Self.name(finishedInputs - 1)).state-"
        var states: [Int: [UInt8]] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/parts")) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let step = Int(name.dropFirst(prefix.count)),
                let data = FileManager.default.contents(atPath: "\(directory)/parts/\(name)")
            else {
                throw ResumeError("\(directory)/parts/\(name): cannot read a saved stage state")
            }
            states[step] = [UInt8](data)
        }
        return states
    }

    // MARK: - During the run

    /// Appends a batch's encoded output and rejects to input `input`'s parts.
    func append(output bytes: [UInt8], rejects rejectBytes: [UInt8], input: Int) throws(IOFailure) {
        if output == nil { output = try OutputFile(path: partPath(input, "out")) }
        if !bytes.isEmpty { try output?.write(bytes) }
        if keepRejects {
            if rejects == nil { rejects = try OutputFile(path: partPath(input, "rejects")) }
            if !rejectBytes.isEmpty { try rejects?.write(rejectBytes) }
        }
    }

    /// Makes input `input` finished: its parts, its summary and the ordered stages' states durable, then the marker.
    func complete(input: Int, summary: RunSummary, states: [Int: [UInt8]], nextOrdinal: Int) throws {
        try append(output: [], rejects: [], input: input)
        try output?.commit()
        try rejects?.commit()
        (output, rejects) = (nil, nil)
        try summary.write(to: partPath(input, "summary.json"))
        for (step, state) in states { try Self.writeDurably(state, to: partPath(input, "state-\(step)")) }
        Self.syncDirectory(directory + "/parts")
        try Self.writeDurably(Array(String(nextOrdinal).utf8), to: "\(directory)/done/\(Self.name(input))")
        // The previous input's states are superseded.
        if input > 0 {
            for step in states.keys { unlink(partPath(input - 1, "state-\(step)")) }
        }
    }

    /// Drops the unfinished input's parts (a failed or interrupted run).
    func abandonCurrent() {
        output?.abandon()
        rejects?.abandon()
        (output, rejects) = (nil, nil)
    }

    // MARK: - After the last input

    /// Concatenates every input's parts into `output` and `rejects` and returns the merged summary.
    public func assemble(
        inputs: Int, stageNames: [String], into output: OutputFile, rejects: OutputFile?
    ) throws -> RunSummary {
        var summary = RunSummary(stageNames: stageNames)
        for input in 0..<inputs {
            try copy(partPath(input, "out"), to: output)
            if let rejects { try copy(partPath(input, "rejects"), to: rejects) }
            guard let data = FileManager.default.contents(atPath: partPath(input, "summary.json")) else {
                throw ResumeError("\(partPath(input, "summary.json")): missing")
            }
            var parser = JSONParser()
            let part = try RunSummary(json: try parser.parse(String(decoding: data, as: UTF8.self)))
            try summary.merge(part)
        }
        return summary
    }

    private func copy(_ path: String, to file: OutputFile) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ResumeError("\(path): cannot read a finished part")
        }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try file.write([UInt8](chunk)) }
    }

    private func partPath(_ input: Int, _ kind: String) -> String { "\(directory)/parts/\(Self.name(input)).\(kind)" }

    private static func name(_ input: Int) -> String {
        let digits = String(input)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Writes through a temporary file, fsync and rename, then fsyncs the directory, so the file is there whole or
    /// not at all after a crash.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws(ResumeError) {
        do {
            let file = try OutputFile(path: path)
            try file.write(bytes)
            try file.commit()
        } catch {
            throw ResumeError("\(path): \(error)")
        }
        syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Flushes a directory's entries (the renames into it) to disk.
    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
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
    mutating func add(
        _ batch: WorkBatch, to store: ResumeStore, inputs: [InputFile], problems: @autoclosure () -> [InputProblem]
    ) throws {
        summary.addCounters(of: batch)
        try store.append(output: batch.output, rejects: batch.rejectBytes, input: input)
        summary.addWritten(batch)
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
