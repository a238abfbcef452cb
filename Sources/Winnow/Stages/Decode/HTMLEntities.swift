#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes HTML character references: all 2,231 HTML5 named references (`&amp;`, `&eacute;`, `&nbsp;`, `&NotEqualTilde;`)
/// and numeric ones (`&#8217;`, `&#x2019;`).
///
/// In HTML (`html: true`) the rules of the HTML5 tokenizer apply: legacy names such as `&copy` and numeric
/// references may omit the `;`, and numbers are mapped as browsers map them (0, surrogates and values past
/// U+10FFFF become U+FFFD; 0x80–0x9F are read as Windows-1252). In plain text a reference must end with `;`, so
/// `AT&T` or `&copy2020` stay as they are.
enum HTMLEntities {
    private static let map: [String: String] = Dictionary(table, uniquingKeysWith: { first, _ in first })
    private static let longestName = table.map(\.0.utf8.count).max() ?? 32

    /// `text` with its character references decoded (the same string when it has no `&`).
    static func decode(_ text: String, html: Bool) -> String {
        var copy = text
        let decoded: String? = copy.withUTF8 { bytes in
            guard let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "&")), bytes.count) != nil else {
                return nil
            }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            decode(bytes, html: html, into: &output)
            return String(decoding: output, as: UTF8.self)
        }
        return decoded ?? text
    }

    /// Appends `bytes` to `output` with character references decoded.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, html: Bool, into output: inout [UInt8]) {
        guard let base = bytes.baseAddress else { return }
        var i = 0
        var copied = 0
        while i < bytes.count {
            guard let ampersand = memchr(base + i, Int32(UInt8(ascii: "&")), bytes.count - i) else { break }
            i = base.distance(to: ampersand.assumingMemoryBound(to: UInt8.self))
            if let (replacement, length) = reference(bytes, at: i, html: html) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<i]))
                output.append(contentsOf: replacement.utf8)
                i += length
                copied = i
            } else {
                i += 1
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
    }

    /// The text of the reference starting with `&` at `start` and its length in bytes, or nil.
    private static func reference(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, html: Bool) -> (String, Int)? {
        var i = start + 1
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "#") {
            i += 1
            var hex = false
            if i < bytes.count && (bytes[i] | 0x20) == UInt8(ascii: "x") {
                hex = true
                i += 1
            }
            let digitsStart = i
            var value: UInt32 = 0
            while i < bytes.count, let digit = digitValue(bytes[i], hex: hex) {
                value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + UInt32(digit)
                i += 1
            }
            guard i > digitsStart else { return nil }
            let terminated = i < bytes.count && bytes[i] == UInt8(ascii: ";")
            guard terminated || html else { return nil }
            return (String(Character(numericScalar(value))), i - start + (terminated ? 1 : 0))
        }
        var end = i
        while end < bytes.count, end - i < longestName, isAlphanumeric(bytes[end]) { end += 1 }
        guard end > i else { return nil }
        if end < bytes.count && bytes[end] == UInt8(ascii: ";"),
            let value = map[String(decoding: UnsafeBufferPointer(rebasing: bytes[i...end]), as: UTF8.self)]
        {
            return (value, end + 1 - start)
        }
        guard html else { return nil }
        // Legacy names without `;`: the longest that matches.
        var length = end - i
        while length > 1 {
            if let value = map[String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]), as: UTF8.self)]
            {
                return (value, length + 1)
            }
            length -= 1
        }
        return nil
    }

    /// A numeric reference's character, as the HTML5 tokenizer maps it.
    private static func numericScalar(_ value: UInt32) -> Unicode.Scalar {
        switch value {
        case 0, 0xD800...0xDFFF, 0x110000...: return "\u{FFFD}"
        case 0x80...0x9F: return Unicode.Scalar(TextEncoding.windows1252Scalar(UInt8(value))) ?? "\u{FFFD}"
        default: return Unicode.Scalar(value) ?? "\u{FFFD}"
        }
    }

    private static func digitValue(_ byte: UInt8, hex: Bool) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10
    }
}
