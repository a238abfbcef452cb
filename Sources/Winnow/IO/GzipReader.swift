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
/// A member's output is held until its trailer (CRC-32 and length) is checked, up to `maximumHeldMemberBytes`
/// (per-record members of WARC files and Winnow's own ≈ 1 MB batch members are all verified before a byte of them is
/// used; a bigger member streams on, and only its end is checked). A member that is corrupt or fails its check is
/// dropped and becomes one entry of `faults` naming its compressed byte range; reading resynchronises at the next
/// member header, so the members after a damaged one are still read. Bytes between members that are not gzip are a
/// fault too when a member follows them (zero padding is ignored). A stream that breaks off (truncated) first hands
/// out everything decoded before the cut, then throws a `GzipFailure` naming the offset.
public final class DecompressingReader {
    /// Compressed bytes consumed so far (the input bytes for uncompressed input): drives progress and the ETA.
    public private(set) var compressedBytesRead = 0
    /// Whether the input turned out to be gzip.
    public private(set) var isGzip = false
    public var path: String { source.path }
    /// The largest member held back until its check passes.
    public static let maximumHeldMemberBytes = 16 << 20

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
    /// The open member's output not yet verified, and whether it passed the hold limit (it then streams).
    private var memberOutput: [UInt8] = []
    private var memberStreams = false
    /// Decoded bytes ready to hand out.
    private var ready: [UInt8] = []
    private var readyStart = 0
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private var pendingFailure: Error?
    private var finished = false
    /// Damaged stretches skipped so far and not yet taken (`takeFaults`).
    private var faults: [GzipFailure] = []

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

    /// Whether faults are waiting to be taken.
    public var hasFaults: Bool { !faults.isEmpty }

    /// The damaged stretches skipped since the last call (each one a lost member or a run of bytes that is not gzip).
    public func takeFaults() -> [GzipFailure] {
        defer { faults.removeAll() }
        return faults
    }

    /// Fills `buffer` with decompressed bytes; returns 0 at the end of the input. Throws `GzipFailure` for a
    /// truncated stream (after every good byte has been returned) and `IOFailure` for read errors.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if buffer.count == 0 { return 0 }
        if !sniffed { try sniff() }
        guard isGzip else { return finished ? 0 : try passThrough(into: buffer) }
        while true {
            if readyStart < ready.count {
                let count = min(buffer.count, ready.count - readyStart)
                ready.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + readyStart, byteCount: count) }
                readyStart += count
                return count
            }
            ready.removeAll(keepingCapacity: true)
            readyStart = 0
            if finished {
                if let failure = pendingFailure {
                    pendingFailure = nil
                    throw failure
                }
                return 0
            }
            do {
                try decodeStep()
            } catch {
                // A read error or truncation: what the member decoded so far still goes out, then the error.
                ready += memberOutput
                memberOutput.removeAll()
                pendingFailure = error
                finished = true
            }
        }
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

    /// Whether a member header (`1f 8b`, method 8, no reserved flag bits) starts at `index` of the input buffer.
    private func memberHeader(at index: Int) -> Bool {
        input[index] == 0x1f && input[index + 1] == 0x8b && input[index + 2] == 8 && input[index + 3] & 0xE0 == 0
    }

    /// Consumes bytes up to the next member header (false: the input ended first, everything consumed), and says
    /// whether every byte skipped was zero (padding).
    private func skipToNextMember() throws -> (found: Bool, allZero: Bool) {
        var allZero = true
        while true {
            while inputEnd - inputStart < 4 && !sourceExhausted { try refill() }
            if inputEnd - inputStart < 4 {
                for index in inputStart..<inputEnd where input[index] != 0 { allZero = false }
                compressedBytesRead += inputEnd - inputStart
                inputStart = inputEnd
                return (false, allZero)
            }
            if memberHeader(at: inputStart) { return (true, allZero) }
            if input[inputStart] != 0 { allZero = false }
            inputStart += 1
            compressedBytesRead += 1
        }
    }

    /// Opens the member at the read position; false at the end of the input. Bytes that are not a member are
    /// skipped to the next member (a fault) or, when none follows and they are not zero padding, a fault too.
    private func startMember() throws -> Bool {
        while inputEnd - inputStart < 4 && !sourceExhausted { try refill() }
        let available = inputEnd - inputStart
        if available == 0 { return false }
        if available < 4 || !memberHeader(at: inputStart) {
            let skippedFrom = fileOffset
            let (found, allZero) = try skipToNextMember()
            if found {
                faults.append(GzipFailure(path: path, offset: skippedFrom,
                                          problem: "\(fileOffset - skippedFrom) bytes that are not gzip between members (compressed bytes \(skippedFrom)–\(fileOffset)), skipped"))
            } else {
                if !allZero {
                    faults.append(GzipFailure(path: path, offset: skippedFrom, problem: "data after the last gzip member that is not gzip (compressed bytes \(skippedFrom)–\(fileOffset))"))
                }
                return false
            }
        }
        if streamReady {
            inflateReset(stream)
        } else {
            let status = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else { throw GzipFailure(path: path, offset: fileOffset, problem: "zlib could not start (\(status))") }
            streamReady = true
        }
        memberOpen = true
        memberStreams = false
        memberStart = fileOffset
        return true
    }

    /// Inflates one step of the open member (opening the next first when none is open): verified output moves to
    /// `ready`; a damaged member becomes a fault and reading resumes at the next member.
    private func decodeStep() throws {
        if !memberOpen {
            guard try startMember() else {
                finished = true
                return
            }
        }
        if inputStart == inputEnd {
            try refill()
            if inputStart == inputEnd {
                throw GzipFailure(path: path, offset: fileOffset, problem: "truncated gzip stream (the member that starts at byte \(memberStart) has no end)")
            }
        }
        stream.pointee.next_in = (input.baseAddress! + inputStart).assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = UInt32(inputEnd - inputStart)
        let (status, produced) = scratch.withUnsafeMutableBytes { out -> (Int32, Int) in
            stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(out.count)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            return (status, out.count - Int(stream.pointee.avail_out))
        }
        let consumed = (inputEnd - inputStart) - Int(stream.pointee.avail_in)
        inputStart += consumed
        compressedBytesRead += consumed
        if memberStreams {
            ready += scratch[0..<produced]
        } else {
            memberOutput += scratch[0..<produced]
            if memberOutput.count > Self.maximumHeldMemberBytes {
                memberStreams = true
                swap(&ready, &memberOutput)
                memberOutput.removeAll(keepingCapacity: true)
            }
        }
        switch status {
        case Z_OK, Z_BUF_ERROR:
            return
        case Z_STREAM_END:
            ready += memberOutput
            memberOutput.removeAll(keepingCapacity: true)
            memberOpen = false
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            let failedAt = fileOffset
            let lost = memberOutput.count
            if inputStart < inputEnd && fileOffset == memberStart {
                // Not a byte of it was taken: step past its header, or the search would find it again.
                inputStart += 1
                compressedBytesRead += 1
            }
            memberOutput.removeAll(keepingCapacity: true)
            memberOpen = false
            let resumed = try skipToNextMember().found
            let kept = memberStreams ? "its first \(ready.count) decoded bytes were already read" : "its \(lost) decoded bytes are dropped"
            faults.append(GzipFailure(path: path, offset: failedAt,
                                      problem: "corrupt gzip data (\(message)) in the member at compressed bytes \(memberStart)–\(fileOffset); \(kept); "
                                          + (resumed ? "reading goes on at the next member" : "no member follows")))
        }
    }
}
