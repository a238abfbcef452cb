import CBzip2

/// A bzip2 stream through libbzip2 (block and stream CRCs verified). Parallel compressors (pbzip2, lbzip2) write
/// many streams one after another; each is a frame.
final class Bzip2FrameDecoder: FrameDecoder {
    private let stream: UnsafeMutablePointer<bz_stream>
    private var ready = false

    init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: bz_stream())
    }

    deinit {
        if ready { BZ2_bzDecompressEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func startFrame() -> String? {
        if ready { BZ2_bzDecompressEnd(stream) }
        stream.pointee = bz_stream()
        let status = BZ2_bzDecompressInit(stream, 0, 0)
        ready = status == BZ_OK
        return ready ? nil : "libbzip2 could not start (\(status))"
    }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> (consumed: Int, produced: Int, step: FrameStep) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: CChar.self))
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: CChar.self)
        stream.pointee.avail_out = UInt32(output.count)
        let status = BZ2_bzDecompress(stream)
        let consumed = input.count - Int(stream.pointee.avail_in)
        let produced = output.count - Int(stream.pointee.avail_out)
        switch status {
        case BZ_OK: return (consumed, produced, .going)
        case BZ_STREAM_END: return (consumed, produced, .ended)
        case BZ_DATA_ERROR: return (consumed, produced, .failed("compressed data is corrupt (CRC or block data)"))
        case BZ_DATA_ERROR_MAGIC: return (consumed, produced, .failed("not a bzip2 stream"))
        case BZ_MEM_ERROR: return (consumed, produced, .failed("out of memory"))
        default: return (consumed, produced, .failed("libbzip2 error \(status)"))
        }
    }
}
