import CLzma

/// An xz stream through liblzma (its block checks verified); concatenated streams are read one at a time, the
/// zero stream padding between them is skipped by the reader.
final class XzFrameDecoder: FrameDecoder {
    private let stream: UnsafeMutablePointer<lzma_stream>

    init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: lzma_stream())
    }

    deinit {
        lzma_end(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func startFrame() -> String? {
        let status = lzma_stream_decoder(stream, UInt64.max, 0)
        return status == LZMA_OK ? nil : "liblzma could not start (\(status.rawValue))"
    }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> (consumed: Int, produced: Int, step: FrameStep) {
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_in = input.count
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = output.count
        let status = lzma_code(stream, LZMA_RUN)
        let consumed = input.count - stream.pointee.avail_in
        let produced = output.count - stream.pointee.avail_out
        switch status {
        case LZMA_OK, LZMA_BUF_ERROR: return (consumed, produced, .going)
        case LZMA_STREAM_END: return (consumed, produced, .ended)
        case LZMA_DATA_ERROR: return (consumed, produced, .failed("compressed data is corrupt"))
        case LZMA_FORMAT_ERROR: return (consumed, produced, .failed("not an xz stream"))
        case LZMA_OPTIONS_ERROR: return (consumed, produced, .failed("unsupported xz options"))
        case LZMA_MEM_ERROR: return (consumed, produced, .failed("out of memory"))
        default: return (consumed, produced, .failed("liblzma error \(status.rawValue)"))
        }
    }
}
