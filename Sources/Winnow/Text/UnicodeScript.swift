/// The dominant Unicode script of a text's letters, as an ISO 15924 code (`Latn`, `Cyrl`, `Arab`, `Hani`, `Deva` …).
///
/// Every letter (general category L*) counts once for its script (the Unicode `Script` property, from the
/// generated tables beside this file); digits, punctuation, marks and letters of the Common and Inherited scripts
/// do not count. Ties go to the script seen first. Japanese (Han with Hiragana or Katakana) is `Jpan`, Korean with
/// Han `Kore`. A text without letters has script `Zyyy` (Common).
public enum UnicodeScript {
    /// The code for a text without letters.
    public static let common = "Zyyy"

    /// Script number (1-based into `codes`, 0 for none) of every code point of the Basic Multilingual Plane.
    private static let basicPlane: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for range in stride(from: 0, to: ranges.count, by: 3) where ranges[range] < 0x10000 {
            for codePoint in ranges[range]...min(ranges[range + 1], 0xFFFF) {
                table[Int(codePoint)] = UInt8(ranges[range + 2])
            }
        }
        return table
    }()

    /// The script number of a code point (0: not a letter of a real script).
    @inline(__always)
    static func number(of codePoint: UInt32) -> Int {
        if codePoint < 0x10000 { return Int(basicPlane[Int(codePoint)]) }
        var low = 0, high = ranges.count / 3
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle * 3 + 1] < codePoint { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count / 3 && ranges[low * 3] <= codePoint ? Int(ranges[low * 3 + 2]) : 0
    }

    /// The ISO 15924 code of a code point's script when it is a letter, else nil.
    public static func code(of scalar: Unicode.Scalar) -> String? {
        let number = number(of: scalar.value)
        return number == 0 ? nil : codes[number - 1]
    }

    /// The script most of the text's letters belong to.
    public static func dominant(in text: UnsafeBufferPointer<UInt8>) -> String {
        var counts = [Int](repeating: 0, count: codes.count + 1)
        var firstSeen = [Int](repeating: Int.max, count: codes.count + 1)
        var position = 0
        var latinLetters = 0
        while position < text.count {
            let byte = text[position]
            if byte < 0x80 {
                // ASCII letters are Latin; counted apart to keep the common case a compare and an add.
                if (byte | 0x20) &- UInt8(ascii: "a") < 26 {
                    if latinLetters == 0 { firstSeen[latinNumber] = position }
                    latinLetters += 1
                }
                position += 1
                continue
            }
            let (scalar, length) = UTF8Bytes.decode(text, at: position)
            let number = number(of: scalar)
            if number != 0 {
                if counts[number] == 0 { firstSeen[number] = min(firstSeen[number], position) }
                counts[number] += 1
            }
            position += length
        }
        counts[latinNumber] += latinLetters
        var best = 0
        for number in 1..<counts.count where counts[number] > 0 {
            if best == 0 || counts[number] > counts[best]
                || (counts[number] == counts[best] && firstSeen[number] < firstSeen[best])
            {
                best = number
            }
        }
        guard best != 0 else { return common }
        // Japanese mixes Han with kana, Korean may mix Han with Hangul: ISO 15924 names those mixtures.
        let kana = counts[number("Hira")] + counts[number("Kana")], han = counts[number("Hani")],
            hangul = counts[number("Hang")]
        let code = codes[best - 1]
        if ["Hani", "Hira", "Kana"].contains(code) && kana > 0 { return "Jpan" }
        if ["Hani", "Hang"].contains(code) && hangul > 0 && han > 0 { return "Kore" }
        return code
    }

    /// The script number of an ISO 15924 code the tables know.
    static func number(_ code: String) -> Int { codes.firstIndex(of: code)! + 1 }

    private static let latinNumber = codes.firstIndex(of: "Latn")! + 1
}
