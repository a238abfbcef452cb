#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Repairs mojibake: UTF-8 text that was once decoded as Windows-1252 or Latin-1 (`â€™` for `’`, `Ã©` for `é`,
/// `Ã¼` for `ü`, `Ð°` for `а`, `Â ` for a no-break space), the common cases ftfy fixes.
///
/// A candidate is a character U+00C2–U+00F4 (a UTF-8 lead byte read as Windows-1252) followed by the characters
/// that Windows-1252 or Latin-1 gives for continuation bytes 0x80–0xBF. It is replaced only when those bytes form
/// well-formed UTF-8 *and* the character they encode is of a kind text is made of (Latin, Greek, Cyrillic, Hebrew,
/// Arabic, Indic, Thai, Vietnamese letters, general punctuation and symbols, CJK, Hangul, emoji): a repair must be
/// clearly more plausible than what is there. Correct text never holds such a pair — an accented capital directly
/// followed by a symbol from U+0080–U+00BF or `€ ‚ „ … ™ œ` — so it is left alone (`São`, `Âge`, `Ångström`,
/// `Çağlar`, `naïve`). Double mojibake is undone by repeating the pass (at most three times).
enum MojibakeRepair {
    /// `text` with mojibake repaired, and the number of characters repaired (0: `text` is returned as it is).
    static func repair(_ text: String) -> (text: String, repairs: Int) {
        var current = text
        var total = 0
        for _ in 0..<3 {
            var copy = current
            let (bytes, repairs) = copy.withUTF8 { repairOnce($0) }
            guard repairs > 0, let bytes else { break }
            total += repairs
            current = String(decoding: bytes, as: UTF8.self)
        }
        return (current, total)
    }

    /// One pass; nil when nothing needs repair (the common case is found without copying).
    static func repairOnce(_ input: UnsafeBufferPointer<UInt8>) -> ([UInt8]?, Int) {
        // Every candidate starts with U+00C2–U+00F4, encoded C3 82–C3 B4.
        guard let first = firstCandidate(input, from: 0) else { return (nil, 0) }
        var output: [UInt8] = []
        var repairs = 0
        var copied = 0
        var position: Int? = first
        while let i = position {
            if let (scalar, consumed) = candidate(input, at: i) {
                output.append(contentsOf: input[copied..<i])
                UTF8Bytes.append(scalar, to: &output)
                copied = i + consumed
                repairs += 1
                position = firstCandidate(input, from: copied)
            } else {
                position = firstCandidate(input, from: i + 2)
            }
        }
        guard repairs > 0 else { return (nil, 0) }
        output.append(contentsOf: input[copied...])
        return (output, repairs)
    }

    private static func firstCandidate(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = input.baseAddress else { return nil }
        var i = start
        let count = input.count
        while i + 1 < count, let found = memchr(base + i, 0xC3, count - i - 1) {
            i = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if (0x82...0xB4).contains(input[i + 1]) { return i }
            i += 1
        }
        return nil
    }

    /// The scalar that the mojibake at `i` stands for, and the bytes it spans, when it is a plausible repair.
    private static func candidate(_ input: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int)? {
        let lead = input[i + 1] &+ 0x40               // C3 82 … C3 B4 is U+00C2 … U+00F4
        let length = lead >= 0xF0 ? 4 : (lead >= 0xE0 ? 3 : 2)
        var bytes: [UInt8] = [lead]
        var position = i + 2
        for _ in 1..<length {
            guard let (byte, width) = continuationByte(input, at: position) else { return nil }
            bytes.append(byte)
            position += width
        }
        guard let scalar = UTF8Bytes.scalar(of: bytes), isPlausible(scalar) else { return nil }
        return (scalar, position - i)
    }

    /// The byte 0x80–0xBF that the character at `i` is in Windows-1252 (or Latin-1, for the C1 controls that
    /// Windows-1252 leaves undefined), with the character's UTF-8 width.
    private static func continuationByte(_ input: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt8, Int)? {
        guard i + 1 < input.count else { return nil }
        let first = input[i], second = input[i + 1]
        if first == 0xC2 && (0x80...0xBF).contains(second) { return (second, 2) }
        let scalar: UInt32
        let width: Int
        switch first {
        case 0xC5, 0xC6, 0xCB:
            scalar = UInt32(first & 0x1F) << 6 | UInt32(second & 0x3F)
            width = 2
        case 0xE2:
            guard i + 2 < input.count else { return nil }
            scalar = UInt32(first & 0x0F) << 12 | UInt32(second & 0x3F) << 6 | UInt32(input[i + 2] & 0x3F)
            width = 3
        default:
            return nil
        }
        guard let byte = windows1252Specials[scalar] else { return nil }
        return (byte, width)
    }

    /// Windows-1252's characters for bytes 0x80–0x9F that are not Latin-1's, by code point.
    static let windows1252Specials: [UInt32: UInt8] = Dictionary(uniqueKeysWithValues: (0x80...0x9F as ClosedRange<UInt8>)
        .map { (TextEncoding.windows1252Scalar($0), $0) }.filter { $0.0 > 0xFF })

    /// Code points that real text is made of; a repair that would produce anything else is not made.
    private static func isPlausible(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0xA0...0x24F, 0x370...0x52F, 0x590...0x6FF, 0x900...0xDFF, 0xE00...0xEFF, 0x1E00...0x1EFF,
             0x2000...0x2BFF, 0x3000...0x9FFF, 0xAC00...0xD7A3, 0xFB00...0xFB4F, 0xFE30...0xFE4F, 0xFEFF, 0xFF00...0xFFEF,
             0x1F000...0x1FAFF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }
}
