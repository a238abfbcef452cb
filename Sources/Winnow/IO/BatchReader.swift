import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the records of an input are laid out.
public enum RecordFormat: String, ChoiceOption {
    /// Decided per input: `.jsonl`/`.ndjson`/`.json` names are JSONL, `.txt` names are text, `.warc`/`.wet` names
    /// are WARC; otherwise WARC when the input starts with `WARC/`, JSONL when its first non-blank byte is `{`, else
    /// text.
    case auto
    /// One JSON object a line.
    case jsonl
    /// The whole input is one document.
    case text
    /// WARC 1.0/1.1 records (Common Crawl WARC and WET files).
    case warc
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
    /// The input's encoding when it was transcoded to UTF-8 (`utf-16le`, `utf-16be`).
    public var encoding: String?
    /// Set when the record is the undecodable tail of a broken input: the error, with the file's byte offset.
    public var failure: RecordFailure?
    public var byteOffset: Int?
}

/// Why a record could not be read: a reason for the counts (`damaged_input`, `record_too_long`, `malformed_warc`,
/// `unsupported_format`, `unreadable_input`, `read_error`) and the message for the rejects and the summary.
public struct RecordFailure: Sendable, Hashable {
    public var reason: String
    public var message: String

    public init(_ reason: String, _ message: String) {
        self.reason = reason
        self.message = message
    }
}

/// A numbered slice of the input (≈ 1 MB or 1,000 records): the unit of parallel work and of ordering.
public struct RawBatch: Sendable {
    /// Position in input order, from 0.
    public var sequence: Int
    public var files: [String] = []
    public var bytes: [UInt8] = []
    public var records: [RawRecord] = []
    /// With `BatchReader.batchesEndAtInputs`: the input (index into the reader's inputs) this batch finishes, and the
    /// ordinal the next record will get.
    public var completedInput: (index: Int, nextOrdinal: Int)?

    public init(sequence: Int) { self.sequence = sequence }

    /// The path of a record's input.
    public func path(of record: RawRecord) -> String { files[record.fileIndex] }

    mutating func append(
        _ line: UnsafeRawBufferPointer, file: String, line lineNumber: Int, ordinal: Int, format: RecordFormat,
        encoding: String? = nil, failure: RecordFailure? = nil, byteOffset: Int? = nil
    ) {
        if files.last != file { files.append(file) }
        let start = bytes.count
        bytes.append(contentsOf: line)
        records.append(
            RawRecord(
                start: start, end: bytes.count, line: lineNumber, fileIndex: files.count - 1, ordinal: ordinal,
                format: format, encoding: encoding, failure: failure, byteOffset: byteOffset))
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
    private var current: InputWindow?

    private let open: (InputFile) throws -> ByteSource
    private let windowSize: Int
    /// The longest record read — a JSONL line, a text input, a WARC record with its header (256 MB by default,
    /// `--max-record-bytes`): a longer one becomes a rejected record wherever it lies in the input, it is dropped as it
    /// is read, and memory stays bounded however long a line, file or record is.
    public var maximumRecordBytes = 256 << 20
    /// Ends each batch with its input's last record, and marks it (`RawBatch.completedInput`; an empty input gives
    /// an empty batch): what `--resume` needs to tell when an input is done.
    public var batchesEndAtInputs = false
    /// The ordinal of the first record (a resumed run continues the numbering of the inputs it skips).
    public var firstOrdinal: Int {
        get { nextOrdinal }
        set { nextOrdinal = newValue }
    }

    /// Reads files (and stdin for `-`); `cancellation` ends waits on pipes and terminals (see `FileSource`).
    public convenience init(
        inputs: [InputFile], format: RecordFormat, maximumBatchBytes: Int = 1 << 20,
        maximumBatchRecords: Int = 1000, cancellation: CancellationFlag? = nil
    ) {
        self.init(
            inputs: inputs, format: format, maximumBatchBytes: maximumBatchBytes,
            maximumBatchRecords: maximumBatchRecords
        ) {
            (file) throws(IOFailure) -> ByteSource in try FileSource(file: file, cancellation: cancellation)
        }
    }

    /// Reads the byte sources that `open` gives for the inputs, through a read window of `windowSize` bytes (it
    /// grows for longer lines). Tests feed it in-memory sources cut into chunks of any size.
    public init(
        inputs: [InputFile], format: RecordFormat, maximumBatchBytes: Int = 1 << 20, maximumBatchRecords: Int = 1000,
        windowSize: Int = 1 << 20, open: @escaping (InputFile) throws -> ByteSource
    ) {
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
        while batch.records.count < maximumBatchRecords && batch.bytes.count < maximumBatchBytes
            && batch.completedInput == nil
        {
            guard let input = current ?? openNext(&batch) else { break }
            let more = read(from: input, into: &batch)
            appendSkippedStretches(of: input, to: &batch)
            if !more {
                close(input)
                if batchesEndAtInputs { batch.completedInput = (nextInput - 1, nextOrdinal) }
            }
        }
        guard !batch.records.isEmpty || batch.completedInput != nil else { return nil }
        nextSequence += 1
        return batch
    }

    /// Moves records of `input` into `batch` until the batch is full; returns false when the input is done.
    private func read(from input: InputWindow, into batch: inout RawBatch) -> Bool {
        switch input.format {
        case .text:
            guard let bytes = input.rest(limit: maximumRecordBytes) else {
                batch.append(
                    UnsafeRawBufferPointer(start: nil, count: 0), file: input.path, line: 1, ordinal: takeOrdinal(),
                    format: .text,
                    failure: input.failure.map(Self.failure)
                        ?? RecordFailure(
                            "record_too_long",
                            "a text input longer than the \(maximumRecordBytes)-byte limit (not read)"),
                    byteOffset: input.failure?.offset)
                return false
            }
            // An empty file (or one that is only a byte order mark) is no document, as an empty JSONL file is none.
            if bytes.isEmpty && input.failure == nil { return false }
            batch.append(
                bytes, file: input.path, line: 1, ordinal: takeOrdinal(), format: .text, encoding: input.encoding,
                failure: input.failure.map(Self.failure), byteOffset: input.failure?.offset)
            return false
        case .warc:
            while batch.records.count < maximumBatchRecords && batch.bytes.count < maximumBatchBytes {
                appendSkippedStretches(of: input, to: &batch)
                guard readWARCRecord(from: input, into: &batch) else { return false }
            }
            return true
        case .jsonl, .auto:
            while batch.records.count < maximumBatchRecords && batch.bytes.count < maximumBatchBytes {
                appendSkippedStretches(of: input, to: &batch)
                let lineNumber = input.line
                guard let line = input.nextLine() else {
                    appendFailure(of: input, line: lineNumber, to: &batch)
                    return false
                }
                if let length = input.takeOversizedLine() {
                    batch.append(
                        UnsafeRawBufferPointer(start: nil, count: 0), file: input.path, line: lineNumber,
                        ordinal: takeOrdinal(),
                        format: .jsonl,
                        failure: RecordFailure(
                            "record_too_long",
                            "a line of \(length) bytes, longer than the \(maximumRecordBytes)-byte limit (not read)"))
                    continue
                }
                // A CRLF line end leaves its CR behind; it is not part of the record.
                let record = line.last == 0x0D ? UnsafeRawBufferPointer(rebasing: line.dropLast()) : line
                batch.append(
                    record, file: input.path, line: lineNumber, ordinal: takeOrdinal(), format: .jsonl,
                    encoding: input.encoding)
            }
            return true
        }
    }

    /// The stretches of a gzip input skipped since the last call (a damaged member, bytes between members that are
    /// not gzip): one failed record each, naming its compressed byte range; the input is reported as a problem.
    private func appendSkippedStretches(of input: InputWindow, to batch: inout RawBatch) {
        guard input.decompressor.hasFaults else { return }
        for fault in input.decompressor.takeFaults() {
            problems.append(InputProblem(path: input.path, message: fault.description))
            batch.append(
                UnsafeRawBufferPointer(start: nil, count: 0), file: input.path, line: input.line,
                ordinal: takeOrdinal(),
                format: input.format, failure: RecordFailure("damaged_input", fault.description),
                byteOffset: fault.offset)
        }
    }

    /// When the input broke off: one failed record with what was left unread, the error and the offset.
    private func appendFailure(of input: InputWindow, line: Int, to batch: inout RawBatch) {
        guard let failure = input.failure else { return }
        batch.append(
            input.rest(), file: input.path, line: line, ordinal: takeOrdinal(), format: input.format,
            failure: Self.failure(failure), byteOffset: failure.offset)
    }

    /// The record failure of an input that broke off: a damaged or truncated stream (it has an offset) or a read error.
    private static func failure(_ broken: (message: String, offset: Int?)) -> RecordFailure {
        RecordFailure(broken.offset == nil ? "read_error" : "damaged_input", broken.message)
    }

    private static let warcMagic = Array("WARC/".utf8)
    private static let nextWARC = Array("\nWARC/".utf8)

    /// Moves one WARC record (version line, headers and `Content-Length` bytes of block) into the batch; false at the
    /// end of the input. Text that is not a record, or a record whose length does not lead to the next one, becomes a
    /// failed record, and reading resumes at the next line that starts with `WARC/`.
    private func readWARCRecord(from input: InputWindow, into batch: inout RawBatch) -> Bool {
        input.ensure(2)
        while let first = input.pending.first, first == 0x0D || first == 0x0A {
            _ = input.consume(1)
            input.ensure(2)
        }
        input.ensure(Self.warcMagic.count)
        let lineNumber = input.line
        guard !input.pending.isEmpty else {
            appendFailure(of: input, line: lineNumber, to: &batch)
            return false
        }
        let startOffset = input.offset
        func reject(_ problem: String, skipping count: Int) -> Bool {
            let skipped = input.consume(count)
            batch.append(
                skipped, file: input.path, line: lineNumber, ordinal: takeOrdinal(), format: .warc,
                failure: RecordFailure(
                    "malformed_warc", "\(input.path): \(problem) at decompressed byte \(startOffset)"))
            return resynchronize(input)
        }
        guard input.pending.starts(with: Self.warcMagic) else {
            return reject("not a WARC record (expected a line starting with WARC/)", skipping: 0)
        }
        guard let headerLength = Self.headerLength(input, limit: 1 << 20) else {
            if input.failure != nil { appendFailure(of: input, line: lineNumber, to: &batch); return false }
            return reject("a WARC header without its blank line", skipping: input.pending.count)
        }
        guard let contentLength = Self.contentLength(UnsafeRawBufferPointer(rebasing: input.pending[0..<headerLength])),
            contentLength >= 0
        else {
            return reject("a WARC record without a valid Content-Length", skipping: headerLength)
        }
        // (Compared before adding: a Content-Length near Int.max must not overflow.)
        let total = contentLength > maximumRecordBytes ? Int.max : headerLength + contentLength
        guard total <= maximumRecordBytes else {
            // The reject keeps the header; reading resumes at the next record, found a window at a time, so the block
            // is never held — and a lying Content-Length (past the end of the file) costs no record after it.
            return reject(
                "a WARC record of \(total == Int.max ? contentLength : total) bytes, longer than the \(maximumRecordBytes)-byte limit (--max-record-bytes; its block was not read)",
                skipping: headerLength)
        }
        input.ensure(total + Self.warcMagic.count)
        guard input.pending.count >= total else {
            if input.failure != nil { appendFailure(of: input, line: lineNumber, to: &batch); return false }
            return reject(
                "a WARC record cut short (Content-Length \(contentLength), \(input.pending.count - headerLength) bytes left)",
                skipping: input.pending.count)
        }
        // The block is followed by its CRLF CRLF — or, as WARC readers accept, any run of CR and LF, or the next
        // record's `WARC/` at once.
        let after = input.pending[total...]
        guard after.isEmpty || after.first == 0x0D || after.first == 0x0A || after.starts(with: Self.warcMagic) else {
            return reject(
                "a WARC record whose Content-Length (\(contentLength)) does not end at the record's end",
                skipping: headerLength)
        }
        let record = input.consume(total)
        batch.append(
            record, file: input.path, line: lineNumber, ordinal: takeOrdinal(), format: .warc, encoding: input.encoding)
        return true
    }

    /// The length of the header block at the window's start, through its first empty line (`\r\n` or a bare `\n`:
    /// headers whose lines end in LF only are read as WARC readers read them), reading more as needed; nil when no
    /// empty line comes within `limit` bytes.
    private static func headerLength(_ input: InputWindow, limit: Int) -> Int? {
        var lineStart = 0  // offsets from the window's start, which reading may move
        while true {
            guard let newline = input.find([0x0A], from: input.start + lineStart, limit: limit) else { return nil }
            let next = newline + 1 - input.start
            input.ensure(next + 2)
            let pending = input.pending
            if next < pending.count && pending[next] == 0x0A { return next + 1 }
            if next + 1 < pending.count && pending[next] == 0x0D && pending[next + 1] == 0x0A { return next + 2 }
            lineStart = next
        }
    }

    /// Skips to the next line that starts with `WARC/`, a window at a time (what is skipped is not held); false when
    /// there is none.
    private func resynchronize(_ input: InputWindow) -> Bool {
        while true {
            if let next = input.find(Self.nextWARC, from: input.start, limit: 1 << 20) {
                _ = input.consume(next + 1 - input.start)
                return true
            }
            if input.exhausted {
                _ = input.rest()
                return false
            }
            let searched = input.pending.count - (Self.nextWARC.count - 1)
            if searched > 0 { _ = input.consume(searched) }
        }
    }

    /// The value of the `Content-Length` header in a WARC header block.
    static func contentLength(_ header: UnsafeRawBufferPointer) -> Int? {
        for line in header.split(separator: 0x0A) {
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":"),
                text[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == "content-length"
            else { continue }
            return Int(text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return nil
    }

    private func takeOrdinal() -> Int {
        defer { nextOrdinal += 1 }
        return nextOrdinal
    }

    private func openNext(_ batch: inout RawBatch) -> InputWindow? {
        while nextInput < inputs.count {
            let file = inputs[nextInput]
            nextInput += 1
            do {
                let decompressor = DecompressingReader(source: try open(file))
                let input = InputWindow(
                    path: file.path, decompressor: decompressor, format: format, windowSize: windowSize,
                    maximumRecordBytes: maximumRecordBytes)
                input.readByteOrderMark()
                if input.format == .auto { input.format = detectFormat(file.path, input) }
                if let kind = Self.unreadableKind(input) ?? Self.jsonArray(input) {
                    // Not records at all (another compressor, a columnar or archive format, binary data): one clear
                    // error for the input, never hundreds of rejects or a document of garbage.
                    let remedy =
                        kind == Self.jsonArrayKind
                        ? "write one object a line (e.g. jq -c '.[]' \(file.path) | winnow run PIPELINE -)"
                        : kind.hasSuffix("data") && !kind.hasPrefix("binary")
                            ? "decompress it first (e.g. \(Self.decompressCommand(kind)) \(file.path) | winnow run PIPELINE -)"
                            : "winnow reads JSONL, text and WARC"
                    let message = "\(file.path): \(kind): not supported; " + remedy
                    problems.append(InputProblem(path: file.path, message: message))
                    finishedCompressedBytes += input.decompressor.compressedBytesRead
                    filesDone += 1
                    batch.append(
                        UnsafeRawBufferPointer(start: nil, count: 0), file: file.path, line: 0, ordinal: takeOrdinal(),
                        format: .text, failure: RecordFailure("unsupported_format", message))
                    if batchesEndAtInputs {
                        batch.completedInput = (nextInput - 1, nextOrdinal)
                        return nil
                    }
                    continue
                }
                current = input
                return input
            } catch {
                let message = "\(error)"
                problems.append(InputProblem(path: file.path, message: message))
                filesDone += 1
                batch.append(
                    UnsafeRawBufferPointer(start: nil, count: 0), file: file.path, line: 0, ordinal: takeOrdinal(),
                    format: .text, failure: RecordFailure("unreadable_input", message))
                if batchesEndAtInputs {
                    batch.completedInput = (nextInput - 1, nextOrdinal)
                    return nil
                }
            }
        }
        return nil
    }

    private func close(_ input: InputWindow) {
        if let failure = input.failure { problems.append(InputProblem(path: input.path, message: failure.message)) }
        finishedCompressedBytes += input.decompressor.compressedBytesRead
        filesDone += 1
        current = nil
    }

    /// Magic numbers of formats that are not records (checked on the decompressed bytes, whatever the file's name).
    private static let foreignFormats: [(magic: [UInt8], kind: String)] = [
        ([0x28, 0xB5, 0x2F, 0xFD], "zstd data"), ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz data"),
        ([0x42, 0x5A, 0x68], "bzip2 data"), ([0x04, 0x22, 0x4D, 0x18], "lz4 data"), ([0x5D, 0x00, 0x00], "lzma data"),
        (Array("PAR1".utf8), "a Parquet file"), (Array("ARROW1".utf8), "an Arrow file"),
        ([0xFF, 0xFF, 0xFF, 0xFF], "an Arrow stream"),
        ([0x50, 0x4B, 0x03, 0x04], "a ZIP archive"), ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "a 7-Zip archive"),
        (Array("%PDF-".utf8), "a PDF file"), (Array("SQLite format 3".utf8), "an SQLite database"),
        ([0x89, 0x50, 0x4E, 0x47], "a PNG image"), ([0xFF, 0xD8, 0xFF], "a JPEG image"),
        (Array("Obj".utf8) + [0x01], "an Avro file"),
    ]

    /// What an input is when it cannot hold records: a foreign format by its magic number, zlib data (a valid
    /// zlib header), or binary data (more than a tenth of its first 4 KB NUL or control bytes); nil for text.
    static func unreadableKind(_ input: InputWindow) -> String? {
        input.ensure(4096)
        let head = input.pending.prefix(4096)
        guard !head.isEmpty else { return nil }
        if let known = foreignFormats.first(where: { head.starts(with: $0.magic) }) {
            // bzip2 needs its block magic too ("BZh" then a level digit), so a text starting "BZh" is still text.
            if known.kind != "bzip2 data" || (head.count > 3 && (0x31...0x39).contains(head[head.startIndex + 3])) {
                return known.kind
            }
        }
        let controls = head.reduce(0) {
            $0 + (($1 < 0x20 && $1 != 0x09 && $1 != 0x0A && $1 != 0x0D && $1 != 0x0C && $1 != 0x1B) ? 1 : 0)
        }
        // A zlib header that is not the start of a text ("x^…"): the bytes after it look compressed.
        if head.count >= 2, head[head.startIndex] == 0x78,
            [0x01, 0x5E, 0x9C, 0xDA].contains(head[head.startIndex + 1]), controls * 20 > head.count
        {
            return "zlib data"
        }
        return controls * 10 > head.count
            ? "binary data (\(controls) of its first \(head.count) bytes are NUL or control bytes)" : nil
    }

    static let jsonArrayKind = "a JSON array, not JSON Lines"

    /// `jsonArrayKind` when a JSON Lines input starts with `[` (one JSON document holding an array, as `json.dump`
    /// writes a list): its lines are not records, and one error with the remedy beats a reject per line.
    static func jsonArray(_ input: InputWindow) -> String? {
        guard input.format == .jsonl else { return nil }
        input.ensure(4096)
        let first = input.pending.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return first == UInt8(ascii: "[") ? jsonArrayKind : nil
    }

    /// The command that decompresses a format, for the error message.
    private static func decompressCommand(_ kind: String) -> String {
        switch kind {
        case "zstd data": "zstd -dc"
        case "xz data", "lzma data": "xz -dc"
        case "bzip2 data": "bzip2 -dc"
        case "lz4 data": "lz4 -dc"
        default: "zlib-flate -uncompress <"
        }
    }

    /// The format of an input read with `format: auto`: by name, else by its first bytes.
    private func detectFormat(_ path: String, _ input: InputWindow) -> RecordFormat {
        let name = CompressionFormat.removingSuffix(path)
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json") { return .jsonl }
        if name.hasSuffix(".txt") { return .text }
        if name.hasSuffix(".warc") || name.hasSuffix(".wet") { return .warc }
        input.ensure(1 << 12)
        let head = input.pending
        if head.starts(with: Self.warcMagic) { return .warc }
        let firstNonBlank = head.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return firstNonBlank == UInt8(ascii: "{") ? .jsonl : .text
    }
}
