import CZlib

/// A gzip stream that cannot be read to its end, with the file and the compressed byte offset where it failed.
public struct GzipFailure: Error, CustomStringConvertible, Sendable {
    public var path: String
    /// Offset in the compressed file of the first byte that could not be used.
    public var offset: Int
    public var problem: String

    public var description: String { "\(path): \(problem) at compressed byte \(offset)" }
}

/// Reads a file's decompressed bytes in bounded memory: gzip through zlib's streaming inflate, any number of
/// concatenated members (as WARC/WET files have), and uncompressed input passed through. Whether the input is gzip
/// is decided by its first two bytes (`1f 8b`), never by its name.
///
/// A corrupt or truncated stream first hands out every byte decoded before the fault, then throws a `GzipFailure`
/// naming the compressed offset, so the records before a fault still go through.
public final class DecompressingReader {
    /// Compressed bytes consumed so far (the input bytes for uncompressed input): drives progress and the ETA.
    public private(set) var compressedBytesRead = 0
    /// Whether the input turned out to be gzip.
    public private(set) var isGzip = false
    public var path: String { source.path }

    private let source: ByteSource
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceExhausted = false
    private var sniffed = false
    private let stream: UnsafeMutablePointer<z_stream>
    private var streamReady = false
    private var memberOpen = false
    private var memberStart = 0
    private var pendingFailure: Error?
    private var finished = false

    public init(source: ByteSource, inputBufferSize: Int = 256 * 1024) {
        self.source = source
        input = .allocate(byteCount: max(inputBufferSize, 16), alignment: 16)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if streamReady { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Fills `buffer` with decompressed bytes; returns 0 at the end of the input. Throws `GzipFailure` for a
    /// corrupt or truncated stream (after every good byte has been returned) and `IOFailure` for read errors.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let failure = pendingFailure {
            pendingFailure = nil
            throw failure
        }
        if finished || buffer.count == 0 { return 0 }
        if !sniffed { try sniff() }
        return isGzip ? try inflate(into: buffer) : try passThrough(into: buffer)
    }

    /// Offset in the file of the next unconsumed compressed byte.
    private var fileOffset: Int { compressedBytesRead }

    private func refill() throws {
        if inputStart == inputEnd { inputStart = 0; inputEnd = 0 }
        if inputStart > 0 && inputEnd == input.count {
            let kept = inputEnd - inputStart
            input.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: kept)
            inputStart = 0
            inputEnd = kept
        }
        guard !sourceExhausted, inputEnd < input.count else { return }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: input[inputEnd...]))
        if count == 0 { sourceExhausted = true }
        inputEnd += count
    }

    private func sniff() throws {
        sniffed = true
        while inputEnd - inputStart < 2 && !sourceExhausted { try refill() }
        isGzip = inputEnd - inputStart >= 2 && input[inputStart] == 0x1f && input[inputStart + 1] == 0x8b
    }

    private func passThrough(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if inputStart < inputEnd {
            let count = min(buffer.count, inputEnd - inputStart)
            buffer.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: count)
            inputStart += count
            compressedBytesRead += count
            return count
        }
        let count = try source.read(into: buffer)
        compressedBytesRead += count
        if count == 0 { finished = true }
        return count
    }

    private func startMember() throws -> Bool {
        while inputEnd - inputStart < 2 && !sourceExhausted { try refill() }
        let available = inputEnd - inputStart
        if available == 0 { return false }
        if available >= 2 && input[inputStart] == 0x1f && input[inputStart + 1] == 0x8b {
            if streamReady {
                inflateReset(stream)
            } else {
                let status = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                guard status == Z_OK else { throw GzipFailure(path: path, offset: fileOffset, problem: "zlib could not start (\(status))") }
                streamReady = true
            }
            memberOpen = true
            memberStart = fileOffset
            return true
        }
        // Bytes after the last member: zero padding is tolerated (gzip does too), anything else is reported.
        while true {
            for index in inputStart..<inputEnd where input[index] != 0 {
                throw GzipFailure(path: path, offset: fileOffset + index - inputStart, problem: "data after the last gzip member that is not gzip")
            }
            compressedBytesRead += inputEnd - inputStart
            inputStart = inputEnd
            if sourceExhausted { return false }
            try refill()
        }
    }

    private func inflate(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var produced = 0
        while produced < buffer.count {
            if !memberOpen {
                let started: Bool
                do { started = try startMember() } catch { return try deliver(produced, failure: error) }
                guard started else {
                    finished = true
                    break
                }
            }
            if inputStart == inputEnd {
                do { try refill() } catch { return try deliver(produced, failure: error) }
                if inputStart == inputEnd {
                    return try deliver(produced, failure: GzipFailure(path: path, offset: fileOffset, problem: "truncated gzip stream (the member that starts at byte \(memberStart) has no end)"))
                }
            }
            stream.pointee.next_in = (input.baseAddress! + inputStart).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = UInt32(inputEnd - inputStart)
            stream.pointee.next_out = (buffer.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(buffer.count - produced)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let consumed = (inputEnd - inputStart) - Int(stream.pointee.avail_in)
            let offsetBefore = fileOffset
            inputStart += consumed
            compressedBytesRead += consumed
            produced = buffer.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                memberOpen = false
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return try deliver(produced, failure: GzipFailure(path: path, offset: max(offsetBefore, fileOffset), problem: "corrupt gzip data (\(message))"))
            }
        }
        return produced
    }

    /// Returns the bytes decoded before a fault and keeps the fault for the next call, or throws it when there are none.
    private func deliver(_ produced: Int, failure: Error) throws -> Int {
        finished = true
        guard produced > 0 else { throw failure }
        pendingFailure = failure
        return produced
    }
}
