/// `clean`'s character pass over UTF-8 bytes: line ends, control and invisible characters, exotic spaces, optional
/// ASCII punctuation, trailing spaces and blank-line runs, all in one pass that copies runs of ordinary bytes whole.
///
/// - CRLF, lone CR, U+2028 and U+2029 end a line; spaces and tabs at line ends go; at most one blank line in a row;
///   no blank lines at the start, no whitespace at the end.
/// - Removed: C0 controls but `\t` and `\n`, DEL, U+00AD soft hyphen, U+200B zero-width space, U+2060 word joiner,
///   U+FEFF. Kept on purpose: U+200C/U+200D (zero-width non-joiner and joiner spell words in Persian and Indic
///   scripts and build emoji sequences) and the bidirectional marks.
/// - C1 controls (U+0080–U+009F) are what Windows-1252 punctuation becomes when text is decoded as Latin-1: each
///   becomes its Windows-1252 character (`\u{84}Handwerk\u{93}` → `„Handwerk“`, `parlé\u{85}` → `parlé…`); the five
///   bytes Windows-1252 leaves undefined are removed. Nothing is lost.
/// - Unicode spaces (U+00A0, U+202F, U+2000–U+200A, U+3000 …) are kept: they are correct text (French typography
///   puts U+00A0 or U+202F before `: ; ! ? »`), and every stage reads them as spaces.
/// - With `asciiPunctuation`: ‘ ’ ‚ ‛ → `'`, “ ” „ ‟ → `"`, ‒ – — ― − → `-`, … → `...`.
struct TextTidier {
    var asciiPunctuation = false

    func tidy(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        output.reserveCapacity(input.count)
        let count = input.count
        var i = 0
        let base = UnsafeRawPointer(input.baseAddress)
        while i < count {
            let runStart = i
            if let base {
                while i &+ 8 <= count {
                    let word = SWAR.load(base, i)
                    if SWAR.containsBelow(word, 0x20) | SWAR.contains(word, 0x7F) | SWAR.contains(word, 0xC2)
                        | SWAR.contains(word, 0xE2) | SWAR.contains(word, 0xEF) != 0
                    {
                        break
                    }
                    i &+= 8
                }
            }
            while i < count && !Self.mayNeedWork(input[i]) { i &+= 1 }
            if runStart < i { output.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<i])) }
            guard i < count else { break }
            i = handle(input, at: i, into: &output)
        }
        while let last = output.last, last == 0x20 || last == 0x09 || last == 0x0A { output.removeLast() }
    }

    @inline(__always)
    private static func mayNeedWork(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2 || byte == 0xEF
    }

    /// Handles the byte at `i` (one that may need work) and returns the index after what it consumed.
    private func handle(_ input: UnsafeBufferPointer<UInt8>, at i: Int, into output: inout [UInt8]) -> Int {
        let count = input.count
        let byte = input[i]
        let second: UInt8 = i + 1 < count ? input[i + 1] : 0
        let third: UInt8 = i + 2 < count ? input[i + 2] : 0
        switch byte {
        case 0x0A:
            Self.endLine(&output)
            return i + 1
        case 0x0D:
            Self.endLine(&output)
            return i + (second == 0x0A ? 2 : 1)
        case 0x09:
            output.append(0x09)
            return i + 1
        case 0xC2:
            switch second {
            case 0x80...0x9F:  // C1 controls: Windows-1252 read as Latin-1
                let scalar = MojibakeRepair.codePageRows[Int(second) - 0x80]
                guard scalar != UInt32(second) else { break }
                var mapped: [UInt8] = []
                UTF8Bytes.append(scalar, to: &mapped)
                if asciiPunctuation && mapped[0] == 0xE2 {
                    mapped.withUnsafeBufferPointer { _ = handle($0, at: 0, into: &output) }
                } else {
                    output.append(contentsOf: mapped)
                }
            case 0xAD: break  // soft hyphen
            default: output.append(0xC2); output.append(second)
            }
            return i + 2
        case 0xE2 where second == 0x80:
            switch third {
            case 0x8B: break  // U+200B zero-width space
            case 0xA8, 0xA9: Self.endLine(&output)  // line and paragraph separators
            case 0x98...0x9B where asciiPunctuation: output.append(UInt8(ascii: "'"))
            case 0x9C...0x9F where asciiPunctuation: output.append(UInt8(ascii: "\""))
            case 0x92...0x95 where asciiPunctuation: output.append(UInt8(ascii: "-"))
            case 0xA6 where asciiPunctuation: output.append(contentsOf: [0x2E, 0x2E, 0x2E])
            default: output.append(contentsOf: [byte, second, third])
            }
            return i + 3
        case 0xE2 where second == 0x81 && third == 0xA0:  // U+2060 word joiner
            return i + 3
        case 0xE2 where second == 0x88 && third == 0x92 && asciiPunctuation:  // U+2212 minus sign
            output.append(UInt8(ascii: "-"))
            return i + 3
        case 0xEF where second == 0xBB && third == 0xBF:  // U+FEFF
            return i + 3
        case 0xE2, 0xEF:
            output.append(byte)
            return i + 1
        default:  // other C0 controls and DEL
            return i + 1
        }
    }

    /// Ends a line: drops its trailing spaces and tabs, then writes `\n` unless the text is still empty or already
    /// ends with a blank line.
    private static func endLine(_ output: inout [UInt8]) {
        while let last = output.last, last == 0x20 || last == 0x09 { output.removeLast() }
        let count = output.count
        if count == 0 || (count >= 2 && output[count - 1] == 0x0A && output[count - 2] == 0x0A) { return }
        output.append(0x0A)
    }
}
