/// Turns bytes that are not valid UTF-8 into text: as Windows-1252 when that reads as text, otherwise as UTF-8
/// with U+FFFD for each bad sequence (the maximal-subpart rule of Unicode §3.9, as browsers and Python do).
///
/// "Reads as text" means: no valid multi-byte UTF-8 sequence at all (a mix of good UTF-8 and bad bytes is damaged
/// UTF-8, not another encoding), none of the five bytes Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D),
/// and no C0 control characters other than tab, line feed, carriage return and form feed (that would be binary).
enum TextEncoding {
    /// Text decoded from bytes that were not valid UTF-8.
    struct Decoded: Sendable {
        var text: String
        /// `windows-1252`, or `utf-8` when bad sequences were replaced.
        var encoding: String
        /// Bad sequences replaced by U+FFFD.
        var replacements: Int
    }

    static func decodeNonUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Decoded {
        if readsAsWindows1252(bytes) {
            var text = ""
            text.reserveCapacity(bytes.count + bytes.count / 4)
            for byte in bytes {
                text.unicodeScalars.append(Unicode.Scalar(windows1252Scalar(byte))!)
            }
            return Decoded(text: text, encoding: "windows-1252", replacements: 0)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var replacements = 0
        var i = 0
        while i < bytes.count {
            let length = UTF8Bytes.validSequenceLength(bytes, at: i)
            if length > 0 {
                output.append(contentsOf: bytes[i..<(i + length)])
                i += length
            } else {
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                replacements += 1
                i += max(1, UTF8Bytes.maximalSubpartLength(bytes, at: i))
            }
        }
        return Decoded(text: String(decoding: output, as: UTF8.self), encoding: "utf-8", replacements: replacements)
    }

    private static func readsAsWindows1252(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case 0x81, 0x8D, 0x8F, 0x90, 0x9D: return false
            case 0x00...0x08, 0x0B, 0x0E...0x1F: return false
            case 0xC2...0xF4:
                let length = UTF8Bytes.validSequenceLength(bytes, at: i)
                if length > 1 { return false }
                i += 1
            default:
                i += 1
            }
        }
        return true
    }

    /// The code point Windows-1252 gives a byte (bytes it leaves undefined map to the same C1 code point, as in
    /// Latin-1).
    static func windows1252Scalar(_ byte: UInt8) -> UInt32 {
        guard (0x80...0x9F).contains(byte) else { return UInt32(byte) }
        return windows1252High[Int(byte - 0x80)]
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
        0x017E, 0x0178,
    ]
}
