import CIsal
import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which inflate reads gzip input: ISA-L's igzip by default, zlib when `WINNOW_INFLATE=zlib` (to compare them side
/// by side with `winnow bench`, or to rule igzip out). Measured on 105 MB of BBC text ×20 (gzip -6, one core):
/// igzip 800 MB/s, libdeflate 865 (whole-buffer only: it cannot stream, so it cannot read a member of unknown size
/// in bounded memory), zlib 285, `zcat` 182 — igzip is the fastest inflate that streams.
enum GzipDecoderChoice: String {
    case isal, zlib

    static let current: GzipDecoderChoice = {
        guard let value = getenv("WINNOW_INFLATE") else { return .isal }
        return GzipDecoderChoice(rawValue: String(cString: value)) ?? .isal
    }()

    func makeDecoder() -> FrameDecoder {
        switch self {
        case .isal: IsalGzipDecoder()
        case .zlib: ZlibInflater(windowBits: ZlibInflater.gzip)
        }
    }
}

/// A gzip member through ISA-L's `isal_inflate` (header, deflate data and the CRC-32/length trailer).
final class IsalGzipDecoder: FrameDecoder {
    private let state: UnsafeMutablePointer<inflate_state>

    init() {
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
    }

    deinit { state.deallocate() }

    func startFrame() -> String? {
        isal_inflate_reset(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        return nil
    }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> (consumed: Int, produced: Int, step: FrameStep) {
        state.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(input.count)
        state.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(output.count)
        let status = isal_inflate(state)
        let consumed = input.count - Int(state.pointee.avail_in)
        let produced = output.count - Int(state.pointee.avail_out)
        if status < 0 { return (consumed, produced, .failed(Self.message(status))) }
        return (consumed, produced, state.pointee.block_state == ISAL_BLOCK_FINISH ? .ended : .going)
    }

    /// igzip's status in zlib's words (the ones users search for).
    static func message(_ status: Int32) -> String {
        switch status {
        case ISAL_INVALID_BLOCK: "invalid block type"
        case ISAL_INVALID_SYMBOL: "invalid code"
        case ISAL_INVALID_LOOKBACK: "invalid distance too far back"
        case ISAL_INVALID_WRAPPER: "incorrect header check"
        case ISAL_UNSUPPORTED_METHOD: "unknown compression method"
        case ISAL_INCORRECT_CHECKSUM: "incorrect data check (CRC-32 or length)"
        default: "igzip error \(status)"
        }
    }
}

/// zlib's streaming inflate: a gzip member, or with other window bits zlib-wrapped or raw deflate data (HTTP
/// bodies, see `HTTPPayload`).
final class ZlibInflater: FrameDecoder {
    /// Window bits: gzip only; gzip or zlib by the header; raw deflate.
    static let gzip: Int32 = 15 + 16, gzipOrZlib: Int32 = 15 + 32, rawDeflate: Int32 = -15

    private let stream: UnsafeMutablePointer<z_stream>
    private let windowBits: Int32
    private var ready = false

    init(windowBits: Int32) {
        self.windowBits = windowBits
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if ready { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func startFrame() -> String? {
        if ready { inflateReset(stream); return nil }
        let status = inflateInit2_(stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { return "zlib could not start (\(status))" }
        ready = true
        return nil
    }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> (consumed: Int, produced: Int, step: FrameStep) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(output.count)
        let status = inflate(stream, Z_NO_FLUSH)
        let consumed = input.count - Int(stream.pointee.avail_in)
        let produced = output.count - Int(stream.pointee.avail_out)
        switch status {
        case Z_OK, Z_BUF_ERROR: return (consumed, produced, .going)
        case Z_NEED_DICT: return (consumed, produced, .failed("the data needs a preset dictionary"))
        case Z_STREAM_END: return (consumed, produced, .ended)
        default:
            return (
                consumed, produced, .failed(stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)")
            )
        }
    }
}
