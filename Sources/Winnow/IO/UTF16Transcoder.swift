/// Turns a UTF-16 byte stream (little- or big-endian, after its byte order mark) into UTF-8 as it is read, so the
/// line and record splitting downstream sees UTF-8. Unpaired surrogates become U+FFFD and are counted.
final class UTF16Transcoder {
    let bigEndian: Bool
    /// Bytes read but not yet transcoded: an odd byte or a high surrogate waiting for its pair.
    var pending: [UInt8]
    private(set) var replacements = 0
    private var raw: [UInt8] = []

    /// The encoding's name, as documents report it.
    var name: String { bigEndian ? "utf-16be" : "utf-16le" }

    init(bigEndian: Bool, pending: [UInt8]) {
        self.bigEndian = bigEndian
        self.pending = pending
    }

    /// Fills `buffer` with UTF-8 (at least 4 bytes of room); returns 0 at the end of `source`.
    func read(into buffer: UnsafeMutableRawBufferPointer, from source: DecompressingReader) throws -> Int {
        precondition(buffer.count >= 4, "room for one scalar")
        var exhausted = false
        while true {
            // Each 2 input bytes give at most 3 output bytes.
            let want = max(4, buffer.count * 2 / 3) & ~1
            if pending.count < want && !exhausted {
                raw = [UInt8](repeating: 0, count: want - pending.count)
                let count = try raw.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { exhausted = true }
                pending.append(contentsOf: raw[0..<count])
            }
            let written = transcode(into: buffer, final: exhausted)
            if written > 0 || (exhausted && pending.isEmpty) { return written }
            if exhausted { return written }
        }
    }

    /// Transcodes whole code units from `pending`; at the end, what is left over becomes U+FFFD.
    private func transcode(into buffer: UnsafeMutableRawBufferPointer, final: Bool) -> Int {
        var written = 0
        var i = 0
        func unit(_ at: Int) -> UInt16 {
            bigEndian
                ? UInt16(pending[at]) << 8 | UInt16(pending[at + 1])
                : UInt16(pending[at + 1]) << 8 | UInt16(pending[at])
        }
        func emit(_ scalar: Unicode.Scalar) -> Bool {
            let encoded = UTF8.encode(scalar)!
            guard written + encoded.count <= buffer.count else { return false }
            for byte in encoded {
                buffer[written] = byte
                written += 1
            }
            return true
        }
        while i + 2 <= pending.count {
            let first = unit(i)
            var scalar: Unicode.Scalar
            var consumed = 2
            if (0xD800...0xDBFF).contains(first) {
                if i + 4 > pending.count && !final { break }
                if i + 4 <= pending.count, case let second = unit(i + 2), (0xDC00...0xDFFF).contains(second) {
                    scalar = Unicode.Scalar(0x10000 + (UInt32(first - 0xD800) << 10) + UInt32(second - 0xDC00))!
                    consumed = 4
                } else {
                    scalar = "\u{FFFD}"
                    replacements += 1
                }
            } else if (0xDC00...0xDFFF).contains(first) {
                scalar = "\u{FFFD}"
                replacements += 1
            } else {
                scalar = Unicode.Scalar(first)!
            }
            guard emit(scalar) else { break }
            i += consumed
        }
        if final && i + 2 > pending.count && i < pending.count && emit("\u{FFFD}") {
            replacements += 1
            i = pending.count
        }
        pending.removeFirst(i)
        return written
    }
}
