/// The entity body of an HTTP response as a WARC `response` record stores it, turned back into the bytes the server
/// meant: `Transfer-Encoding: chunked` undone, then `Content-Encoding: gzip` / `x-gzip` / `deflate` inflated.
///
/// Crawlers differ in what they store (Common Crawl keeps the bytes as sent; some tools decode the body but keep
/// the header), so a body that does not look encoded as its header says — no chunk-size line, no gzip magic — is
/// taken as it is, as warcio and browsers do. `br` (Brotli) has no decoder here: such a record is rejected with a
/// message, never passed on as binary text.
enum HTTPPayload {
    /// The largest body inflated (a decompression bomb must not take the machine's memory).
    static let maximumInflatedBytes = 256 << 20

    /// Why a body could not be decoded.
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The decoded body, given the response's header fields (names lower-cased).
    static func decode(_ body: UnsafeBufferPointer<UInt8>, headers: [String: String]) throws(Failure) -> [UInt8] {
        var bytes = Array(body)
        let transfer = tokens(headers["transfer-encoding"])
        if transfer.contains("chunked"), let joined = dechunk(bytes) { bytes = joined }
        for coding in tokens(headers["content-encoding"]).reversed() {
            switch coding {
            case "identity", "none", "":
                continue
            case "gzip", "x-gzip", "deflate", "x-deflate":
                bytes = try inflate(bytes, coding: coding)
            case "br":
                throw Failure(
                    message: "the body is Brotli-compressed (Content-Encoding: br), which this winnow cannot decode")
            default:
                throw Failure(message: "the body has Content-Encoding '\(coding)', which this winnow cannot decode")
            }
        }
        return bytes
    }

    /// The comma-separated, lower-cased tokens of a header value.
    private static func tokens(_ value: String?) -> [String] {
        guard let value else { return [] }
        return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// The chunks of a chunked body joined (RFC 9112 §7.1: size in hex, optional extensions, CRLF, data, CRLF …, a
    /// zero-size chunk and optional trailers); nil when the body does not start as a chunked one. A body cut short
    /// (Common Crawl truncates payloads) keeps the chunks it has.
    static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        var chunks = 0
        while position < bytes.count {
            var size = 0
            var digits = 0
            while position < bytes.count, let digit = hexValue(bytes[position]) {
                guard digits < 15 else { return chunks > 0 ? output : nil }
                size = size * 16 + digit
                digits += 1
                position += 1
            }
            guard digits > 0 else { return chunks > 0 ? output : nil }
            // Then extensions (`;name=value`) or white space, up to the line end.
            guard position < bytes.count, [0x3B, 0x20, 0x09, 0x0D, 0x0A].contains(bytes[position]) else {
                return chunks > 0 ? output : nil
            }
            while position < bytes.count && bytes[position] != 0x0A { position += 1 }
            // A size line the body ends in (no line end after it) is a truncated body: what came before it stands.
            guard position < bytes.count else { return chunks > 0 ? output : nil }
            position += 1
            chunks += 1
            if size == 0 { return output }
            let end = min(bytes.count, position + size)
            output.append(contentsOf: bytes[position..<end])
            position = end
            // The CRLF after the data.
            if position < bytes.count && bytes[position] == 0x0D { position += 1 }
            if position < bytes.count && bytes[position] == 0x0A { position += 1 }
        }
        return chunks > 0 ? output : nil
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }

    /// gzip or zlib data inflated (by its header); `deflate` bodies without a zlib header are raw deflate, as
    /// browsers accept. A body that does not start like compressed data is returned as it is.
    static func inflate(_ bytes: [UInt8], coding: String) throws(Failure) -> [UInt8] {
        let isGzip = bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
        let isZlib = bytes.count >= 2 && bytes[0] & 0x0F == 8 && (Int(bytes[0]) << 8 | Int(bytes[1])) % 31 == 0
        let windowBits: Int32
        if isGzip || isZlib {
            windowBits = ZlibInflater.gzipOrZlib
        } else if coding.hasSuffix("deflate") {
            windowBits = ZlibInflater.rawDeflate
        } else {
            return bytes  // declared gzip but not gzip: stored decoded already
        }
        let inflater = ZlibInflater(windowBits: windowBits)
        if let problem = inflater.startFrame() { throw Failure(message: problem) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var failure: String?
        var offset = 0
        while failure == nil {
            let (consumed, produced, step) = chunk.withUnsafeMutableBytes { out in
                bytes.withUnsafeBytes { inflater.decode(UnsafeRawBufferPointer(rebasing: $0[offset...]), into: out) }
            }
            offset += consumed
            output.append(contentsOf: chunk[0..<produced])
            if output.count > maximumInflatedBytes {
                failure = "the \(coding) body inflates to more than \(maximumInflatedBytes >> 20) MB"
                break
            }
            switch step {
            case .ended:
                // Another gzip member may follow (a body of several members).
                guard bytes.count - offset > 1, bytes[offset] == 0x1F, bytes[offset + 1] == 0x8B else { return output }
                _ = inflater.startFrame()
            case .going:
                // Nothing more to read and nothing more produced: the body was cut short (a truncated capture), and
                // what inflated so far is the payload.
                if offset == bytes.count && produced < chunk.count { return output }
            case .failed(let message):
                failure = "corrupt \(coding) body (\(message)) after \(output.count) bytes"
            }
        }
        if let failure { throw Failure(message: failure) }
        return output
    }
}
