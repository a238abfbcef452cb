import CPlatform
/// UTF-8 at the byte level: well-formedness (Unicode Table 3-7) for error positions and repairs, and encoding one
/// scalar. The fast yes/no check is the standard library's.
enum UTF8Bytes {
    /// Whether `needle` occurs in `haystack` (`memmem`).
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count, let base = haystack.baseAddress else { return false }
        return needle.withUnsafeBytes { memmem(base, haystack.count, $0.baseAddress, needle.count) != nil }
    }

    /// Appends the UTF-8 encoding of `scalar` (a valid code point).
    static func append(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | (scalar >> 6)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | (scalar >> 12)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            buffer.append(UInt8(0xF0 | (scalar >> 18)))
            buffer.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// The scalar at `i` of well-formed UTF-8 (a `String`'s bytes) and its length in bytes.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int) {
        let lead = bytes[i]
        switch lead {
        case 0..<0x80:
            return (UInt32(lead), 1)
        case 0x80..<0xE0:
            return (UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2)
        case 0xE0..<0xF0:
            return (UInt32(lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3)
        default:
            let high = UInt32(lead & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
            return (high | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F), 4)
        }
    }

    /// The scalar of the well-formed sequence that fills `bytes` exactly (no overlong form, no surrogate), or nil.
    static func scalar(of bytes: [UInt8]) -> UInt32? {
        bytes.withUnsafeBufferPointer { buffer in
            guard !buffer.isEmpty, validSequenceLength(buffer, at: 0) == buffer.count else { return nil }
            return String(decoding: buffer, as: UTF8.self).unicodeScalars.first?.value
        }
    }

    /// The offset of the first byte that does not start a well-formed UTF-8 sequence, or nil.
    static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i < bytes.count {
            let length = validSequenceLength(bytes, at: i)
            if length == 0 { return i }
            i += length
        }
        return nil
    }

    /// The length of the well-formed UTF-8 sequence at `i`, or 0.
    static func validSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let lead = bytes[i]
        if lead < 0x80 { return 1 }
        let (length, lower, upper) = sequenceShape(lead)
        guard length > 0, i + length <= bytes.count else { return 0 }
        guard (lower...upper).contains(bytes[i + 1]) else { return 0 }
        for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 { return 0 }
        return length
    }

    /// How many bytes at `i` begin a sequence that is cut short (replaced by one U+FFFD), at least 1.
    static func maximalSubpartLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let (length, lower, upper) = sequenceShape(bytes[i])
        guard length > 0, i + 1 < bytes.count, (lower...upper).contains(bytes[i + 1]) else { return 1 }
        var count = 2
        while count < length, i + count < bytes.count, bytes[i + count] & 0xC0 == 0x80 { count += 1 }
        return count
    }

    /// Sequence length for a lead byte and the allowed range of the second byte (Unicode Table 3-7); length 0 for a
    /// byte that cannot lead.
    private static func sequenceShape(_ lead: UInt8) -> (Int, UInt8, UInt8) {
        switch lead {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
        case 0xED: (3, 0x80, 0x9F)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)
        default: (0, 0, 0)
        }
    }
}
