/// A compressed stream that cannot be read to its end, with the file and the compressed byte offset where it failed.
public struct DecompressionFailure: Error, CustomStringConvertible, Sendable {
    public var path: String
    /// Offset in the compressed file of the first byte that could not be used.
    public var offset: Int
    public var problem: String

    public var description: String { "\(path): \(problem) at compressed byte \(offset)" }
}

/// Reads a file's decompressed bytes in bounded memory: gzip (ISA-L's igzip, or zlib), zstd, xz and bzip2 through
/// their libraries' streaming decoders, any number of concatenated frames (gzip members as WARC/WET files have, zstd
/// frames and skippable frames, xz and bzip2 streams), and uncompressed input passed through. The format is decided
/// by the input's first bytes (see `CompressionFormat`), never by its name.
///
/// A frame's output is held until the frame's end and its check (gzip's CRC-32 and length, zstd's content checksum,
/// xz's block checks, bzip2's CRCs) pass, up to `maximumHeldFrameBytes` (per-record members of WARC files and
/// Winnow's own ≈ 1 MB batch frames are all verified before a byte of them is used; a bigger frame streams on, and
/// only its end is checked). A frame that is corrupt or fails its check is dropped and becomes one entry of `faults`
/// naming its compressed byte range; reading resynchronises at the next frame header of the same format, so the
/// frames after a damaged one are still read. Bytes between frames that are not a frame are a fault too when a frame
/// follows them (zero padding is ignored). A stream that breaks off (truncated) first hands out everything decoded
/// before the cut, then throws a `DecompressionFailure` naming the offset.
public final class DecompressingReader {
    /// Compressed bytes consumed so far (the input bytes for uncompressed input): drives progress and the ETA.
    public private(set) var compressedBytesRead = 0
    /// The input's compression, known after the first read; nil for uncompressed input.
    public private(set) var format: CompressionFormat?
    public var path: String { source.path }
    /// The largest frame held back until its check passes.
    public static let maximumHeldFrameBytes = 16 << 20

    private let source: ByteSource
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceExhausted = false
    private var sniffed = false
    private var decoder: FrameDecoder?
    private var frameOpen = false
    private var frameStart = 0
    /// Whether the last decoding step filled the scratch buffer (the decoder may hold more output).
    private var outputWasFull = false
    /// The open frame's output not yet verified, and whether it passed the hold limit (it then streams).
    private var frameOutput: [UInt8] = []
    private var frameStreams = false
    /// Decoded bytes ready to hand out.
    private var ready: [UInt8] = []
    private var readyStart = 0
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private var pendingFailure: Error?
    private var finished = false
    /// Damaged stretches skipped so far and not yet taken (`takeFaults`).
    private var faults: [DecompressionFailure] = []

    public init(source: ByteSource, inputBufferSize: Int = 256 * 1024) {
        self.source = source
        input = .allocate(byteCount: max(inputBufferSize, 16), alignment: 16)
    }

    deinit { input.deallocate() }

    /// Whether faults are waiting to be taken.
    public var hasFaults: Bool { !faults.isEmpty }

    /// The damaged stretches skipped since the last call (each one a lost frame or a run of bytes that is not one).
    public func takeFaults() -> [DecompressionFailure] {
        defer { faults.removeAll() }
        return faults
    }

    /// Fills `buffer` with decompressed bytes; returns 0 at the end of the input. Throws `DecompressionFailure` for
    /// a truncated stream (after every good byte has been returned) and `IOFailure` for read errors.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if buffer.count == 0 { return 0 }
        if !sniffed { try sniff() }
        guard let format else { return finished ? 0 : try passThrough(into: buffer) }
        while true {
            if readyStart < ready.count {
                let count = min(buffer.count, ready.count - readyStart)
                ready.withUnsafeBytes {
                    buffer.baseAddress!.copyMemory(from: $0.baseAddress! + readyStart, byteCount: count)
                }
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
                try decodeStep(format)
            } catch {
                // A read error or truncation: what the frame decoded so far still goes out, then the error.
                ready += frameOutput
                frameOutput.removeAll()
                pendingFailure = error
                finished = true
            }
        }
    }

    /// Offset in the file of the next unconsumed compressed byte.
    private var fileOffset: Int { compressedBytesRead }

    private var available: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]) }

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

    /// Reads until `count` bytes are buffered or the input ends.
    private func fill(_ count: Int) throws {
        while inputEnd - inputStart < count && !sourceExhausted { try refill() }
    }

    private func sniff() throws {
        sniffed = true
        try fill(CompressionFormat.longestSignature)
        format = CompressionFormat.detect(available)
        decoder = format?.makeDecoder()
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

    /// Consumes bytes up to the next frame of `format` (false: the input ended first, everything consumed), and
    /// says whether every byte skipped was zero (padding).
    private func skipToNextFrame(_ format: CompressionFormat) throws -> (found: Bool, allZero: Bool) {
        var allZero = true
        while true {
            try fill(CompressionFormat.longestSignature)
            if inputStart == inputEnd { return (false, allZero) }
            if format.startsFrame(available) { return (true, allZero) }
            if input[inputStart] != 0 { allZero = false }
            inputStart += 1
            compressedBytesRead += 1
        }
    }

    /// Opens the frame at the read position; false at the end of the input. Bytes that are not a frame are
    /// skipped to the next frame (a fault) or, when none follows and they are not zero padding, a fault too.
    private func startFrame(_ format: CompressionFormat) throws -> Bool {
        try fill(CompressionFormat.longestSignature)
        if inputStart == inputEnd { return false }
        if !format.startsFrame(available) {
            let skippedFrom = fileOffset
            let (found, allZero) = try skipToNextFrame(format)
            let name = format.rawValue
            if found {
                faults.append(
                    DecompressionFailure(
                        path: path, offset: skippedFrom,
                        problem:
                            "\(fileOffset - skippedFrom) bytes that are not \(name) between \(format.frameName)s (compressed bytes \(skippedFrom)–\(fileOffset)), skipped"
                    ))
            } else {
                if !allZero {
                    faults.append(
                        DecompressionFailure(
                            path: path, offset: skippedFrom,
                            problem:
                                "data after the last \(name) \(format.frameName) that is not \(name) (compressed bytes \(skippedFrom)–\(fileOffset))"
                        ))
                }
                return false
            }
        }
        if let problem = decoder!.startFrame() {
            throw DecompressionFailure(path: path, offset: fileOffset, problem: problem)
        }
        frameOpen = true
        frameStreams = false
        frameStart = fileOffset
        return true
    }

    /// Decodes one step of the open frame (opening the next first when none is open): verified output moves to
    /// `ready`; a damaged frame becomes a fault and reading resumes at the next frame.
    private func decodeStep(_ format: CompressionFormat) throws {
        if !frameOpen {
            guard try startFrame(format) else {
                finished = true
                return
            }
        }
        if inputStart == inputEnd && !outputWasFull {
            try refill()
            if inputStart == inputEnd {
                throw DecompressionFailure(
                    path: path, offset: fileOffset,
                    problem:
                        "truncated \(format.rawValue) stream (the \(format.frameName) that starts at byte \(frameStart) has no end)"
                )
            }
        }
        let (consumed, produced, step) = scratch.withUnsafeMutableBytes { decoder!.decode(available, into: $0) }
        outputWasFull = produced == scratch.count
        inputStart += consumed
        compressedBytesRead += consumed
        if frameStreams {
            ready += scratch[0..<produced]
        } else {
            frameOutput += scratch[0..<produced]
            if frameOutput.count > Self.maximumHeldFrameBytes {
                frameStreams = true
                swap(&ready, &frameOutput)
                frameOutput.removeAll(keepingCapacity: true)
            }
        }
        switch step {
        case .going:
            return
        case .ended:
            ready += frameOutput
            frameOutput.removeAll(keepingCapacity: true)
            frameOpen = false
            outputWasFull = false
        case .failed(let message):
            let failedAt = fileOffset
            let lost = frameOutput.count
            if inputStart < inputEnd && fileOffset == frameStart {
                // Not a byte of it was taken: step past its header, or the search would find it again.
                inputStart += 1
                compressedBytesRead += 1
            }
            frameOutput.removeAll(keepingCapacity: true)
            frameOpen = false
            outputWasFull = false
            let resumed = try skipToNextFrame(format).found
            let frame = format.frameName
            let kept =
                frameStreams
                ? "its first \(ready.count) decoded bytes were already read" : "its \(lost) decoded bytes are dropped"
            faults.append(
                DecompressionFailure(
                    path: path, offset: failedAt,
                    problem:
                        "corrupt \(format.rawValue) data (\(message)) in the \(frame) at compressed bytes \(frameStart)–\(fileOffset); \(kept); "
                        + (resumed ? "reading goes on at the next \(frame)" : "no \(frame) follows")))
        }
    }
}
