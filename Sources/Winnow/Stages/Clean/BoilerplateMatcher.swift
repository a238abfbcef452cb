/// Decides whether one line is boilerplate, and of which family, from `BoilerplatePhrases` and three structural
/// rules: a lone `*` (a required-field marker), copyright lines (`©`, `Copyright …`, `(c) …`) and navigation strips
/// (`Home › News › World`, `Cookie settings | Privacy policy | Terms of use`: two or more separators, every part at
/// most four words).
///
/// Works on UTF-8 bytes: only lines of at most 400 bytes are looked at, their normalised form is built in one
/// pass (ASCII lower-cased in place; the standard library lower-cases the rare line with other letters), and then
/// whole-line phrases are one hash look-up, prefixes one look-up per leading word (six at most), and "contains"
/// phrases are tried only when the line holds their rarest word.
struct BoilerplateMatcher: Sendable {
    private var exact: [String: BoilerplateFamily] = [:]
    private var prefixes: [String: BoilerplateFamily] = [:]
    /// Contains-phrases grouped by a trigger: their rarest word without its first letter (so `Cookies` and
    /// `cookies` both hit), as bytes. A line holding no trigger needs no contains check.
    /// Cookie notices are tried in lines of up to 60 words, the other contains-phrases (copyright) up to 20.
    private var containsGroups:
        [(trigger: [UInt8], maximumWords: Int, phrases: [(phrase: String, family: BoilerplateFamily)])] = []
    /// First words of the whole-line and prefix phrases: a short line whose first word is not one of them is no
    /// phrase match, and is passed over without being normalised.
    private var firstWords: Set<String> = []
    let families: Set<BoilerplateFamily>
    private let commentForms, copyright, navigation: Bool

    static let maximumLineBytes = 400
    static let maximumPrefixLineWords = 16
    static let maximumContainsLineWords = 60
    static let maximumShortNoticeWords = 20

    init(families: Set<BoilerplateFamily>) {
        self.families = families
        commentForms = families.contains(.commentForm)
        copyright = families.contains(.copyright)
        navigation = families.contains(.navigation)
        for (family, phrases) in BoilerplatePhrases.phrases where families.contains(family) {
            for entry in phrases {
                let kind = entry.first!
                var phraseText = String(entry.dropFirst())
                let phrase = phraseText.withUTF8 { Self.normalize($0) } ?? ""
                let words: [Substring] = phrase.split(separator: " ")
                switch kind {
                case "=", "^":
                    if kind == "=" { exact[phrase] = family } else { prefixes[phrase] = family }
                    firstWords.insert(String(words.first ?? ""))
                default:
                    // Every cookie notice says "cookie(s)"; other phrases are found by their longest word.
                    let trigger =
                        (words.first { $0.contains("cookie") } ?? words.max { $0.utf8.count < $1.utf8.count })
                        .map(String.init) ?? phrase
                    let tail = Array(String(trigger.hasPrefix("cookie") ? "ookie" : String(trigger.dropFirst())).utf8)
                    if let group = containsGroups.firstIndex(where: { $0.trigger == tail }) {
                        containsGroups[group].phrases.append((phrase, family))
                    } else {
                        let maximumWords =
                            family == .cookie ? Self.maximumContainsLineWords : Self.maximumShortNoticeWords
                        containsGroups.append((tail, maximumWords, [(phrase, family)]))
                    }
                }
            }
        }
    }

    /// The family of a line (its UTF-8 bytes, without the `\n`), or nil.
    func family(of line: UnsafeBufferPointer<UInt8>) -> BoilerplateFamily? {
        guard !families.isEmpty, line.count <= Self.maximumLineBytes, !line.isEmpty else { return nil }
        let trimmed = Self.trimSpaces(line)
        // Most lines of an article are longer than any boilerplate: one cheap count sends them away.
        let wordCount = TextLines.wordCount(trimmed)
        guard wordCount <= Self.maximumContainsLineWords else { return nil }
        if trimmed.count == 1 && trimmed[0] == UInt8(ascii: "*") { return commentForms ? .commentForm : nil }
        if copyright, wordCount <= Self.maximumShortNoticeWords, Self.isCopyrightLine(trimmed) { return .copyright }
        if navigation, wordCount <= 30, Self.isNavigationStrip(trimmed) { return .navigation }
        let mayMatchPhrase = wordCount <= Self.maximumPrefixLineWords && firstWords.contains(Self.firstWord(trimmed))
        let hitGroups = containsGroups.filter {
            wordCount <= $0.maximumWords && UTF8Bytes.contains(trimmed, $0.trigger)
        }
        guard mayMatchPhrase || !hitGroups.isEmpty, let normalized = Self.normalize(trimmed) else { return nil }
        if let family = exact[normalized] { return family }
        let words = normalized.utf8.split(separator: UInt8(ascii: " "))
        if mayMatchPhrase {
            for end in words.prefix(6).map(\.endIndex) {
                let prefix = String(normalized[..<end])
                if let family = prefixes[prefix] { return family }
                // "Read more: …" — a prefix may end inside the line's punctuation.
                if let last = prefix.unicodeScalars.last, !last.properties.isAlphabetic,
                    let family = prefixes[String(prefix.unicodeScalars.dropLast())]
                {
                    return family
                }
            }
        }
        for group in hitGroups {
            for candidate in group.phrases where normalized.contains(candidate.phrase) { return candidate.family }
        }
        return nil
    }

    /// The first word as `normalize` would give it, cheaply: leading non-letters skipped, lower-cased, cut at the
    /// first space or ASCII punctuation.
    private static func firstWord(_ line: UnsafeBufferPointer<UInt8>) -> String {
        var start = 0
        while start < line.count, line[start] < 0x80, !isASCIILetter(line[start]) { start += 1 }
        var end = start
        var nonASCII = false
        while end < line.count {
            let byte = line[end]
            if byte >= 0x80 {
                nonASCII = true
            } else if !isASCIILetter(byte) && byte != UInt8(ascii: "-") && byte != UInt8(ascii: "'") {
                break
            }
            end += 1
        }
        let word = String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
        let lowered = nonASCII ? word.lowercased() : String(decoding: word.utf8.map { $0 | 0x20 }, as: UTF8.self)
        // Trailing non-letters (a closing », a ’) are trimmed as `normalize` trims them.
        let scalars = lowered.unicodeScalars
        guard let last = scalars.lastIndex(where: { $0.properties.isAlphabetic }) else { return lowered }
        return String(scalars[...last])
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }

    /// Lower case, `’` as `'`, digits and brackets removed, spaces collapsed, anything but letters trimmed at both
    /// ends. Nil when no letter is left.
    static func normalize(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.count)
        var nonASCII = false
        var pendingSpace = false
        var i = 0
        while i < line.count {
            var byte = line[i]
            i += 1
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
                UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                continue
            case 0x20, 0x09:
                pendingSpace = !bytes.isEmpty
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                byte |= 0x20
            case 0xE2 where i + 1 < line.count && line[i] == 0x80 && line[i + 1] == 0x99:  // ’
                byte = UInt8(ascii: "'")
                i += 2
            case 0x80...:
                nonASCII = true
            default:
                break
            }
            if pendingSpace { bytes.append(0x20) }
            pendingSpace = false
            bytes.append(byte)
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if nonASCII { text = text.lowercased() }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0.properties.isAlphabetic }),
            let last = scalars.lastIndex(where: { $0.properties.isAlphabetic })
        else { return nil }
        return String(scalars[first...last])
    }

    private static func trimSpaces(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = line.count
        while start < end && (line[start] == 0x20 || line[start] == 0x09) { start += 1 }
        while end > start && (line[end - 1] == 0x20 || line[end - 1] == 0x09) { end -= 1 }
        return UnsafeBufferPointer(rebasing: line[start..<end])
    }

    /// `© …`, `Copyright …` or `(c) …` (the caller checks it is short).
    private static func isCopyrightLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let starts: Bool
        if line.starts(with: [0xC2, 0xA9]) || line.starts(with: Array("(c) ".utf8))
            || line.starts(with: Array("(C) ".utf8))
        {
            starts = true
        } else {
            starts = line.count >= 9 && zip(line.prefix(9), "copyright".utf8).allSatisfy { $0 | 0x20 == $1 }
        }
        return starts
    }

    /// Two or more separators (`» › > | / · • - –`) standing alone between parts of at most four words each.
    /// One pass over the bytes, no allocation: it runs on every short line.
    static func isNavigationStrip(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count <= 160 else { return false }
        var separatorCount = 0
        var wordsInPart = 0
        var index = 0
        while index < line.count {
            while index < line.count && line[index] == 0x20 { index += 1 }
            guard index < line.count else { break }
            let start = index
            while index < line.count && line[index] != 0x20 { index += 1 }
            if isSeparator(UnsafeBufferPointer(rebasing: line[start..<index])) {
                guard wordsInPart > 0 else { return false }
                separatorCount += 1
                wordsInPart = 0
            } else {
                wordsInPart += 1
                if wordsInPart > 4 { return false }
            }
        }
        return separatorCount >= 2 && wordsInPart > 0
    }

    private static func isSeparator(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        switch token.count {
        case 1: return [UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: "/"), UInt8(ascii: "-")].contains(token[0])
        case 2: return token[0] == 0xC2 && (token[1] == 0xBB || token[1] == 0xB7)  // » ·
        case 3: return token[0] == 0xE2 && token[1] == 0x80 && [0xBA, 0xA2, 0x93].contains(token[2])  // › • –
        default: return false
        }
    }
}
