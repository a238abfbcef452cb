/// UTF-8 well-formedness (Unicode Table 3-7), for error positions and repairs; the fast yes/no check is the
/// standard library's.
enum UTF8Validation {
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
