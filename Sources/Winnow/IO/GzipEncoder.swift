import CZlib

/// Compresses bytes into complete gzip members through zlib's deflate.
///
/// The runner compresses each output batch as its own member on the worker that produced it, so compression runs
/// on all jobs; concatenated members are one valid gzip file (RFC 1952 §2.2) that `zcat`, `gzip -d` and Python's
/// `gzip` read whole. The decompressed output is byte-identical for any `--jobs` and batch size; the compressed
/// bytes are identical for any `--jobs`.
public enum GzipEncoder {
    /// Appends one gzip member holding `bytes` to `output`.
    public static func appendMember(compressing bytes: UnsafeRawBufferPointer, to output: inout [UInt8], level: Int32 = 6) {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let status = deflateInit2_(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit2 failed (\(status)): out of memory")
        let bound = Int(deflateBound(stream, uLong(bytes.count))) + 32
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        output.withUnsafeMutableBytes { out in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(bytes.count)
            stream.pointee.next_out = (out.baseAddress! + start).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(bound)
            let result = deflate(stream, Z_FINISH)
            precondition(result == Z_STREAM_END, "zlib deflate did not finish within deflateBound (\(result))")
        }
        output.removeLast(Int(stream.pointee.avail_out))
    }

    /// `bytes` as one gzip member.
    public static func member(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var output: [UInt8] = []
        bytes.withUnsafeBytes { appendMember(compressing: $0, to: &output, level: level) }
        return output
    }
}
