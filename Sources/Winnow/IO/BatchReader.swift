#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the records of an input are laid out.
public enum RecordFormat: String, ChoiceOption {
    /// Decided per input: `.jsonl`/`.ndjson`/`.json` names are JSONL, `.txt` names are text; otherwise JSONL when the
    /// first non-blank byte is `{`, else text.
    case auto
    /// One JSON object a line.
    case jsonl
    /// The whole input is one document.
    case text
}

/// The raw bytes of one record and where it came from.
public struct RawRecord: Sendable, Hashable {
    /// Byte range in the batch's `bytes`.
    public var start: Int
    public var end: Int
    /// 1-based line of the record's first byte in its (decompressed) input.
    public var line: Int
    /// Index into the batch's `files`.
    public var fileIndex: Int
    /// Position of the record among all records of the run, from 0: the input order.
    public var ordinal: Int
    /// How to decode it (never `.auto`).
    public var format: RecordFormat
    /// Set when the record is the undecodable tail of a broken input: the error, with the file's byte offset.
    public var failure: String?
    public var byteOffset: Int?
}

/// A numbered slice of the input (≈ 1 MB or 1,000 records): the unit of parallel work and of ordering.
public struct RawBatch: Sendable {
    /// Position in input order, from 0.
    public var sequence: Int
    public var files: [String] = []
    public var bytes: [UInt8] = []
    public var records: [RawRecord] = []

    public init(sequence: Int) { self.sequence = sequence }

    /// The path of a record's input.
    public func path(of record: RawRecord) -> String { files[record.fileIndex] }

    mutating func append(_ line: UnsafeRawBufferPointer, file: String, line lineNumber: Int, ordinal: Int, format: RecordFormat,
                         failure: String? = nil, byteOffset: Int? = nil) {
        if files.last != file { files.append(file) }
        let start = bytes.count
        bytes.append(contentsOf: line)
        records.append(RawRecord(start: start, end: bytes.count, line: lineNumber, fileIndex: files.count - 1, ordinal: ordinal,
                                 format: format, failure: failure, byteOffset: byteOffset))
    }
}

/// A problem with a whole input (it cannot be opened, or its stream breaks off), reported after the run.
public struct InputProblem: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { message }
}

/// Reads the inputs one after another, in order, and cuts their records into `RawBatch`es.
///
/// Only the bytes of the batch being filled and one read window are in memory, whatever the input size: lines
/// are found with `memchr` in a window that grows only for a line longer than itself. When an input's stream
/// breaks off (a truncated or corrupt gzip member), every complete line before the fault is delivered, and the
/// fault becomes one failed record carrying the partial line, the error and the compressed offset.
public final class BatchReader {
    public let inputs: [InputFile]
    public let format: RecordFormat
    public let maximumBatchBytes: Int
    public let maximumBatchRecords: Int
    /// Inputs that could not be read to their end.
    public private(set) var problems: [InputProblem] = []
    /// Inputs completely read.
    public private(set) var filesDone = 0
    /// Compressed bytes consumed across all inputs.
    public var compressedBytesRead: Int { finishedCompressedBytes + (current?.decompressor.compressedBytesRead ?? 0) }

    private var nextInput = 0
    private var nextSequence = 0
    private var nextOrdinal = 0
    private var finishedCompressedBytes = 0
    private var current: OpenInput?

    private final class OpenInput {
        let path: String
        let decompressor: DecompressingReader
        var format: RecordFormat
        var window: UnsafeMutableRawBufferPointer
        var start = 0
        var scan = 0
        var end = 0
        var line = 1
        var exhausted = false
        var failure: (message: String, offset: Int?)?

        init(path: String, decompressor: DecompressingReader, format: RecordFormat, windowSize: Int) {
            self.path = path
            self.decompressor = decompressor
            self.format = format
            window = .allocate(byteCount: windowSize, alignment: 16)
        }

        deinit { window.deallocate() }

        /// Reads more bytes behind `end`, moving or growing the window when it is full.
        func fill() -> Int {
            if start > 0 && end == window.count {
                let kept = end - start
                window.baseAddress!.copyMemory(from: window.baseAddress! + start, byteCount: kept)
                scan -= start
                end = kept
                start = 0
            }
            if end == window.count {
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: window.count * 2, alignment: 16)
                larger.baseAddress!.copyMemory(from: window.baseAddress!, byteCount: end)
                window.deallocate()
                window = larger
            }
            do {
                let count = try decompressor.read(into: UnsafeMutableRawBufferPointer(rebasing: window[end...]))
                if count == 0 { exhausted = true }
                end += count
                return count
            } catch let error as GzipFailure {
                failure = (error.description, error.offset)
            } catch {
                failure = ("\(error)", nil)
            }
            exhausted = true
            return 0
        }

        /// The next line (without its `\n`), valid until the next call; nil at the end of the input.
        func nextLine() -> UnsafeRawBufferPointer? {
            while true {
                if scan < end, let newline = memchr(window.baseAddress! + scan, 0x0A, end - scan) {
                    let lineEnd = window.baseAddress!.distance(to: newline)
                    let result = UnsafeRawBufferPointer(rebasing: window[start..<lineEnd])
                    start = lineEnd + 1
                    scan = start
                    return result
                }
                scan = end
                if exhausted {
                    guard failure == nil, start < end else { return nil }
                    let result = UnsafeRawBufferPointer(rebasing: window[start..<end])
                    start = end
                    return result
                }
                _ = fill()
            }
        }

        /// Skips a UTF-8 byte order mark at the start of the input.
        func skipByteOrderMark() {
            while end - start < 3 && !exhausted { _ = fill() }
            if end - start >= 3 && window[start] == 0xEF && window[start + 1] == 0xBB && window[start + 2] == 0xBF {
                start += 3
                scan = start
            }
        }

        /// Everything left, for whole-file documents.
        func rest() -> UnsafeRawBufferPointer {
            while !exhausted { _ = fill() }
            let result = UnsafeRawBufferPointer(rebasing: window[start..<end])
            start = end
            scan = end
            return result
        }
    }

    private let open: (InputFile) throws -> ByteSource
    private let windowSize: Int

    /// Reads files (and stdin for `-`); `cancellation` ends waits on pipes and terminals (see `FileSource`).
    public convenience init(inputs: [InputFile], format: RecordFormat, maximumBatchBytes: Int = 1 << 20,
                            maximumBatchRecords: Int = 1000, cancellation: CancellationFlag? = nil) {
        self.init(inputs: inputs, format: format, maximumBatchBytes: maximumBatchBytes, maximumBatchRecords: maximumBatchRecords) {
            (file) throws(IOFailure) -> ByteSource in try FileSource(path: file.path, cancellation: cancellation)
        }
    }

    /// Reads the byte sources that `open` gives for the inputs, through a read window of `windowSize` bytes (it
    /// grows for longer lines). Tests feed it in-memory sources cut into chunks of any size.
    public init(inputs: [InputFile], format: RecordFormat, maximumBatchBytes: Int = 1 << 20, maximumBatchRecords: Int = 1000,
                windowSize: Int = 1 << 20, open: @escaping (InputFile) throws -> ByteSource) {
        self.inputs = inputs
        self.open = open
        self.windowSize = max(16, windowSize)
        self.format = format
        self.maximumBatchBytes = max(1, maximumBatchBytes)
        self.maximumBatchRecords = max(1, maximumBatchRecords)
    }

    /// The next batch in input order, or nil when every input has been read.
    public func next() -> RawBatch? {
        var batch = RawBatch(sequence: nextSequence)
        while batch.records.count < maximumBatchRecords && batch.bytes.count < maximumBatchBytes {
            guard let input = current ?? openNext(&batch) else { break }
            if !read(from: input, into: &batch) { close(input) }
        }
        guard !batch.records.isEmpty else { return nil }
        nextSequence += 1
        return batch
    }

    /// Moves records of `input` into `batch` until the batch is full; returns false when the input is done.
    private func read(from input: OpenInput, into batch: inout RawBatch) -> Bool {
        if input.format == .text {
            let bytes = input.rest()
            batch.append(bytes, file: input.path, line: 1, ordinal: takeOrdinal(), format: .text,
                         failure: input.failure?.message, byteOffset: input.failure?.offset)
            return false
        }
        while batch.records.count < maximumBatchRecords && batch.bytes.count < maximumBatchBytes {
            let lineNumber = input.line
            guard let line = input.nextLine() else {
                if let failure = input.failure {
                    let partial = UnsafeRawBufferPointer(rebasing: input.window[input.start..<input.end])
                    batch.append(partial, file: input.path, line: lineNumber, ordinal: takeOrdinal(), format: .jsonl,
                                 failure: failure.message, byteOffset: failure.offset)
                }
                return false
            }
            input.line += 1
            // A CRLF line end leaves its CR behind; it is not part of the record.
            let record = line.last == 0x0D ? UnsafeRawBufferPointer(rebasing: line.dropLast()) : line
            batch.append(record, file: input.path, line: lineNumber, ordinal: takeOrdinal(), format: .jsonl)
        }
        return true
    }

    private func takeOrdinal() -> Int {
        defer { nextOrdinal += 1 }
        return nextOrdinal
    }

    private func openNext(_ batch: inout RawBatch) -> OpenInput? {
        while nextInput < inputs.count {
            let file = inputs[nextInput]
            nextInput += 1
            do {
                let decompressor = DecompressingReader(source: try open(file))
                let input = OpenInput(path: file.path, decompressor: decompressor, format: format, windowSize: windowSize)
                input.skipByteOrderMark()
                if input.format == .auto { input.format = detectFormat(file.path, input) }
                current = input
                return input
            } catch {
                let message = "\(error)"
                problems.append(InputProblem(path: file.path, message: message))
                filesDone += 1
                batch.append(UnsafeRawBufferPointer(start: nil, count: 0), file: file.path, line: 0, ordinal: takeOrdinal(),
                             format: .text, failure: message)
            }
        }
        return nil
    }

    private func close(_ input: OpenInput) {
        if let failure = input.failure { problems.append(InputProblem(path: input.path, message: failure.message)) }
        finishedCompressedBytes += input.decompressor.compressedBytesRead
        filesDone += 1
        current = nil
    }

    /// The format of an input read with `format: auto`: by name, else by its first non-blank byte.
    private func detectFormat(_ path: String, _ input: OpenInput) -> RecordFormat {
        let name = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json") { return .jsonl }
        if name.hasSuffix(".txt") { return .text }
        var checked = input.start
        while true {
            while checked < input.end {
                switch input.window[checked] {
                case 0x20, 0x09, 0x0A, 0x0D: checked += 1
                case UInt8(ascii: "{"): return .jsonl
                default: return .text
                }
            }
            if input.exhausted || input.end >= 1 << 16 { return .text }
            _ = input.fill()
        }
    }
}
