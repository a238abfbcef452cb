/// A compressed container Winnow reads (and, for gzip and zstd, writes). Input formats are recognised by their
/// first bytes, never by the file's name; output formats by the name's suffix.
public enum CompressionFormat: String, Sendable, CaseIterable {
    case gzip, zstd, xz, bzip2

    /// Suffixes of compressed file names: a directory's record files may end in one (`a.jsonl.zst`), and the record
    /// format is guessed from the name without it.
    static let fileSuffixes = [".gz", ".zst", ".zstd", ".xz", ".bz2"]

    /// `name` without a compression suffix.
    static func removingSuffix(_ name: String) -> String {
        guard let suffix = fileSuffixes.first(where: { name.hasSuffix($0) }) else { return name }
        return String(name.dropLast(suffix.count))
    }

    /// The most bytes `startsFrame` looks at.
    static let longestSignature = 10

    /// The format whose frame (a gzip member, a zstd frame, an xz or bzip2 stream) starts at `bytes`, or nil.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> CompressionFormat? {
        allCases.first { $0.startsFrame(bytes) }
    }

    /// Whether one of this format's frames starts at `bytes` (which may be shorter than `longestSignature` at the
    /// end of the input). The signatures are strict enough that text never matches: gzip needs method 8 and no
    /// reserved flag bits; bzip2 needs its block or end-of-stream magic after `BZh1`–`BZh9`.
    func startsFrame(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .gzip:
            return bytes.count >= 4 && bytes[0] == 0x1F && bytes[1] == 0x8B && bytes[2] == 8 && bytes[3] & 0xE0 == 0
        case .zstd:
            // A frame (28 b5 2f fd) or a skippable frame (magic 0x184D2A50–5F, little-endian).
            guard bytes.count >= 4 else { return false }
            return (bytes[0] == 0x28 && bytes[1] == 0xB5 && bytes[2] == 0x2F && bytes[3] == 0xFD)
                || (bytes[0] & 0xF0 == 0x50 && bytes[1] == 0x2A && bytes[2] == 0x4D && bytes[3] == 0x18)
        case .xz:
            return bytes.count >= 6 && bytes[0] == 0xFD && bytes[1] == 0x37 && bytes[2] == 0x7A && bytes[3] == 0x58
                && bytes[4] == 0x5A && bytes[5] == 0x00
        case .bzip2:
            guard bytes.count >= 10, bytes[0] == 0x42, bytes[1] == 0x5A, bytes[2] == 0x68,
                (0x31...0x39).contains(bytes[3])
            else { return false }
            let block: [UInt8] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
                end: [UInt8] = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]
            let next = bytes[4..<10]
            return next.elementsEqual(block) || next.elementsEqual(end)
        }
    }

    /// What one frame of this format is called in messages.
    var frameName: String {
        switch self {
        case .gzip: "member"
        case .zstd: "frame"
        case .xz, .bzip2: "stream"
        }
    }

    /// A decoder for this format's frames.
    func makeDecoder() -> FrameDecoder {
        switch self {
        case .gzip: GzipDecoderChoice.current.makeDecoder()
        case .zstd: ZstdFrameDecoder()
        case .xz: XzFrameDecoder()
        case .bzip2: Bzip2FrameDecoder()
        }
    }
}

/// What one decoding step found.
enum FrameStep: Equatable {
    /// The frame goes on: more input (or more output room) is needed.
    case going
    /// The frame ended and its check passed; everything it holds has been produced.
    case ended
    /// The frame is damaged; the library's words.
    case failed(String)
}

/// One format's streaming decoder, one frame at a time; `DecompressingReader` holds the input, the faults and the
/// resynchronisation, which are the same for every format.
protocol FrameDecoder: AnyObject {
    /// Gets ready for a frame that starts at the next input byte; a message when the library cannot start.
    func startFrame() -> String?
    /// Decodes from `input` into `output`. A decoder may produce output from what it holds with no input left
    /// (the reader calls again with empty input while the last call filled `output`).
    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> (consumed: Int, produced: Int, step: FrameStep)
}
