import CZstd

/// A zstd frame (or a skippable frame, which yields nothing) through libzstd's streaming decompressor; the content
/// checksum is verified when the frame has one. Windows up to 2 GB (`zstd --long=31`) are accepted.
final class ZstdFrameDecoder: FrameDecoder {
    private let context: OpaquePointer

    init() {
        context = ZSTD_createDCtx()
        _ = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, 31)
    }

    deinit { ZSTD_freeDCtx(context) }

    func startFrame() -> String? {
        let status = ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
        return ZSTD_isError(status) != 0 ? "zstd could not start (\(String(cString: ZSTD_getErrorName(status))))" : nil
    }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> (consumed: Int, produced: Int, step: FrameStep) {
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var target = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let status = ZSTD_decompressStream(context, &target, &source)
        if ZSTD_isError(status) != 0 {
            return (source.pos, target.pos, .failed(String(cString: ZSTD_getErrorName(status))))
        }
        return (source.pos, target.pos, status == 0 ? .ended : .going)
    }
}
