import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `clean`'s noise-line model: which lines of a document are page furniture — menus, link runs, bylines, dates,
/// prices, share bars, lines without letters — judged from what the line and its neighbours look like, in any
/// language. Gradient-boosted trees of depth two (the generated `Generated/LineModelTable.generated.swift`, trained by
/// `Scripts/generate/train-line-model.py` on TurkuNLP's labelled web lines) over the features `LineFeatures` computes — the
/// line's own, its neighbours', and where the document's running text is; a line whose score passes the threshold
/// of the chosen mode is removed.
public struct LineModel: Sendable {
    /// How eager the model is: `conservative` removes what it is sure of (the default), `aggressive` more, losing
    /// more good lines.
    public enum Mode: String, ChoiceOption {
        case conservative, aggressive, off
    }

    let threshold: Double
    /// Lines of at least this many characters that end a sentence are prose, not scored (`LineFeatures.proseShortcut`).
    let proseLength: Int

    init?(mode: Mode) {
        switch mode {
        case .off: return nil
        case .conservative: (threshold, proseLength) = (Self.defaultThreshold, 100)
        case .aggressive: (threshold, proseLength) = (Self.aggressiveThreshold, 300)
        }
    }

    /// The score of each line of UTF-8 text (empty lines and long prose lines: -infinity); above `threshold` is noise.
    func scores(_ text: UnsafeBufferPointer<UInt8>, _ lines: [Range<Int>]) -> [Double] {
        LineFeatures.features(text, lines, proseLength: proseLength).map { features in
            guard let features else { return -.infinity }
            var score = Self.prior
            var values = 0
            for tree in stride(from: 0, to: Self.treeFeatures.count, by: 3) {
                let left = features[Int(Self.treeFeatures[tree])] <= Self.treeValues[values]
                let side = left ? Self.treeFeatures[tree + 1] : Self.treeFeatures[tree + 2]
                let low = features[Int(side)] <= Self.treeValues[values + (left ? 1 : 2)]
                score += Self.treeValues[values + 3 + (left ? 0 : 2) + (low ? 0 : 1)]
                values += 7
            }
            return score
        }
    }
}

/// The features of each line of a document, as `Scripts/generate/line_features.py` computes them (a fixture and a test keep
/// the two equal). Characters are classified by general category (L* letters, N* digits, White_Space spaces), by
/// table; words are runs between spaces; the document's language is the stop-word list with the most hits. One pass
/// over each line's bytes, no strings: the model costs about as much as the rest of `clean`.
enum LineFeatures {
    /// Per code point of the Basic Multilingual Plane: bit 0 letter, 1 digit, 2 space, 3 capital, 4 ends a sentence,
    /// 5 separator, 6 list marker, 7 currency sign.
    static let classes: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for value in 0..<0x10000 {
            if let scalar = Unicode.Scalar(UInt32(value)) { table[value] = categoryBits(scalar) }
        }
        for scalar in ".!?…\"”»’')」』。！？".unicodeScalars { table[Int(scalar.value)] |= 16 }
        for scalar in "|·•»›>/«‹<".unicodeScalars { table[Int(scalar.value)] |= 32 }
        for scalar in "-–—•*·►▶→◦".unicodeScalars { table[Int(scalar.value)] |= 64 }
        for scalar in "$€£¥".unicodeScalars { table[Int(scalar.value)] |= 128 }
        return table
    }()

    /// The lower-case form of each code point that has a one-code-point lower case.
    static let lowercase: [UInt32] = (0..<0x10000).map { value in
        guard let scalar = Unicode.Scalar(UInt32(value)), scalar.properties.isUppercase else { return UInt32(value) }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first!.value : UInt32(value)
    }

    @inline(__always)
    static func classOf(_ scalar: UInt32, _ classes: [UInt8]) -> UInt8 {
        if scalar < 0x10000 { return classes[Int(scalar)] }
        return Unicode.Scalar(scalar).map(categoryBits) ?? 0
    }

    /// Bits 0–3 of `classes` for one code point: letter, digit, space, capital.
    private static func categoryBits(_ scalar: Unicode.Scalar) -> UInt8 {
        let space: UInt8 = scalar.properties.isWhitespace ? 4 : 0
        switch scalar.properties.generalCategory {
        case .uppercaseLetter: return 1 | 8 | space
        case .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return 1 | space
        case .decimalNumber, .letterNumber, .otherNumber: return 2 | space
        default: return space
        }
    }

    /// The stop-word languages (bits, in the order of `languages`) of each stop word, by the hash of its bytes.
    static let languages = StopWords.byLanguage.keys.sorted()
    static let stopWordLanguages: [UInt64: UInt32] = {
        var table: [UInt64: UInt32] = [:]
        for (index, code) in languages.enumerated() {
            for word in StopWords.byLanguage[code] ?? [] { table[ByteHash.of(word), default: 0] |= 1 << UInt32(index) }
        }
        return table
    }()

    /// What one pass over a line finds.
    struct Line {
        var empty = true
        /// Measured only as far as its neighbours need (`proseShortcut`): not scored.
        var prose = false
        var scalars = 0, letters = 0, digits = 0, spaces = 0, upper = 0, separators = 0
        var words = 0, titleWords = 0, digitWords = 0, capitalWords = 0
        var firstScalar: UInt32 = 0, lastScalar: UInt32 = 0
        var endsWithColon = false, terminal = false, link = false, listNumber = false, dateOrTime = false,
            currency = false, brackets = false
        var textHash: UInt64 = 0
        var firstWordHash: UInt64?
        /// The stop-word languages of each word (0: a stop word in none).
        var wordBits: [UInt32] = []
        var short: Bool { words < 5 || !terminal }
        /// How many of its words count towards the document's language: all, but the first 8 of a line that could be
        /// unscored prose (100 characters, 5 words, ends a sentence), whatever the mode — the shortcut reads no more.
        var languageWords: Int { scalars >= 100 && words >= 5 && terminal ? 8 : wordBits.count }
        /// Running text: 8 words or more and the end of a sentence (the anchors of the context features).
        var isProse: Bool { !empty && words >= 8 && terminal }
    }

    /// Takes one line (its bytes, spaces at both ends included) apart.
    static func measure(
        _ bytes: UnsafeBufferPointer<UInt8>, proseLength: Int, classes: [UInt8], lowercase: [UInt32],
        stopWords: [UInt64: UInt32]
    ) -> Line {
        var line = Line()
        // Stripped of spaces at both ends, as Python's str.strip().
        var start = 0, end = bytes.count
        while start < end {
            let (scalar, width) = UTF8Bytes.decode(bytes, at: start)
            guard classOf(scalar, classes) & 4 != 0 else { break }
            start += width
        }
        while end > start {
            var lead = end - 1
            while lead > start && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            guard classOf(UTF8Bytes.decode(bytes, at: lead).scalar, classes) & 4 != 0 else { break }
            end = lead
        }
        guard start < end else { return line }
        line.empty = false
        line.textHash = ByteHash.of(bytes, start..<end)
        var lowered: [UInt8] = []
        if let prose = proseShortcut(
            bytes, start..<end, length: proseLength, classes: classes, lowercase: lowercase, stopWords: stopWords,
            scratch: &lowered)
        {
            return prose
        }
        var wordScalars = 0, wordLetters = 0, wordCapitals = 0, wordHasDigit = false
        var wordStart = -1
        var position = start
        var first = true
        // One pass; the end of the line counts as a space, so a word's end is handled in one place.
        while position <= end {
            let scalar: UInt32, width: Int, kind: UInt8
            if position == end {
                (scalar, width, kind) = (0x20, 1, 4)
            } else {
                let byte = bytes[position]
                if byte < 0x80 {
                    (scalar, width) = (UInt32(byte), 1)
                } else {
                    (scalar, width) = UTF8Bytes.decode(bytes, at: position)
                }
                kind = classOf(scalar, classes)
                line.scalars += 1
                if first { line.firstScalar = scalar; first = false }
                if kind & 1 != 0 {
                    line.letters += 1
                    if kind & 8 != 0 { line.upper += 1 }
                } else if kind & 2 != 0 {
                    line.digits += 1
                } else if kind & 4 != 0 {
                    line.spaces += 1
                }
                if kind & 32 != 0 { line.separators += 1 }
                if kind & 128 != 0 { line.currency = true }
                if scalar == 0x5B || scalar == 0x5D { line.brackets = true }
                line.lastScalar = scalar
            }
            if kind & 4 != 0 {
                if wordStart >= 0 {
                    // A word ends.
                    line.words += 1
                    if wordHasDigit { line.digitWords += 1 }
                    if wordScalars > 1 && wordLetters > 0 && wordCapitals == wordLetters { line.capitalWords += 1 }
                    let (hash, bits) = stopWordBits(
                        bytes, wordStart..<position, lowercase: lowercase, stopWords: stopWords, scratch: &lowered)
                    if line.firstWordHash == nil { line.firstWordHash = hash }
                    line.wordBits.append(bits)
                    wordStart = -1
                }
            } else {
                if wordStart < 0 {
                    wordStart = position
                    wordScalars = 0; wordLetters = 0; wordCapitals = 0; wordHasDigit = false
                    if kind & 8 != 0 { line.titleWords += 1 }
                }
                wordScalars += 1
                if kind & 1 != 0 { wordLetters += 1; if kind & 8 != 0 { wordCapitals += 1 } }
                if kind & 2 != 0 { wordHasDigit = true }
            }
            position += width
        }
        line.terminal = classOf(line.lastScalar, classes) & 16 != 0
        line.endsWithColon = line.lastScalar == 0x3A
        let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
        line.link = holdsLink(text)
        line.dateOrTime = holdsDateOrTime(text)
        // `^[0-9]{1,3}[.)] `
        var digits = 0
        var i = start
        while i < end && bytes[i] &- 0x30 < 10 { digits += 1; i += 1 }
        line.listNumber =
            (1...3).contains(digits) && i + 1 < end && (bytes[i] == 0x2E || bytes[i] == 0x29) && bytes[i + 1] == 0x20
        return line
    }

    /// The hash of a word's bytes and the stop-word languages of its lower case (one-code-point lower cases, as the
    /// stop words need; `scratch` holds a non-ASCII word's lowered bytes).
    static func stopWordBits(
        _ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>, lowercase: [UInt32], stopWords: [UInt64: UInt32],
        scratch: inout [UInt8]
    ) -> (hash: UInt64, bits: UInt32) {
        let (hash, asciiLower) = ByteHash.ofWord(bytes, word)
        if let asciiLower { return (hash, stopWords[asciiLower] ?? 0) }
        scratch.removeAll(keepingCapacity: true)
        var i = word.lowerBound
        while i < word.upperBound {
            let (character, width) = UTF8Bytes.decode(bytes, at: i)
            UTF8Bytes.append(character < 0x10000 ? lowercase[Int(character)] : character, to: &scratch)
            i += width
        }
        return (hash, stopWords[scratch.withUnsafeBufferPointer { ByteHash.of($0, 0..<$0.count) }] ?? 0)
    }

    /// A long line that ends a sentence — at least `length` characters and 5 words — is prose: out of fold, no
    /// line of the training data with over 100 characters that ends a sentence scores above the conservative
    /// threshold, and none with over 300 above the aggressive one (`train-line-model.py` prints the count).
    /// It is not scored (`Line.prose`), and only what its neighbours' features need is measured: its length, that
    /// it is not short, whether it has 8 words, its hashes. That keeps the model's cost on article text (BBC: paragraphs of ≈ 400 bytes)
    /// small. Nil when the line is not such a line.
    static func proseShortcut(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, length: Int, classes: [UInt8], lowercase: [UInt32],
        stopWords: [UInt64: UInt32], scratch: inout [UInt8]
    ) -> Line? {
        guard range.count >= length else { return nil }
        var lead = range.upperBound - 1
        while lead > range.lowerBound && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        let last = UTF8Bytes.decode(bytes, at: lead).scalar
        guard classOf(last, classes) & 16 != 0 else { return nil }
        // Up to eight words (what `Line.isProse` asks) and where the first ends: a short scan from the start.
        // Their stop-word languages count towards the document's language (`languageWords`).
        var words = 0, wordStart = -1
        var firstWordHash: UInt64?
        var wordBits: [UInt32] = []
        var i = range.lowerBound
        while i <= range.upperBound && words < 8 {
            var width = 1, space = true
            if i < range.upperBound {
                let byte = bytes[i]
                space = byte == 0x20 || byte &- 0x09 < 5
                if byte >= 0x80 {
                    let (scalar, scalarWidth) = UTF8Bytes.decode(bytes, at: i)
                    (space, width) = (classOf(scalar, classes) & 4 != 0, scalarWidth)
                }
            }
            if space {
                if wordStart >= 0 {
                    let (hash, bits) = stopWordBits(
                        bytes, wordStart..<i, lowercase: lowercase, stopWords: stopWords, scratch: &scratch)
                    if firstWordHash == nil { firstWordHash = hash }
                    wordBits.append(bits)
                    words += 1
                }
                wordStart = -1
            } else if wordStart < 0 {
                wordStart = i
            }
            i += width
        }
        guard words >= 5 else { return nil }
        // Characters: bytes that are not UTF-8 continuation bytes (10xxxxxx), counted 8 at a time.
        var continuations = 0
        var j = range.lowerBound
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while j + 8 <= range.upperBound {
                let word = base.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                continuations += ((word >> 7) & ~(word >> 6) & 0x0101_0101_0101_0101).nonzeroBitCount
                j += 8
            }
        }
        while j < range.upperBound { if bytes[j] & 0xC0 == 0x80 { continuations += 1 }; j += 1 }
        let scalars = range.count - continuations
        guard scalars >= length else { return nil }
        var line = Line()
        line.empty = false
        line.prose = true
        line.scalars = scalars
        line.words = words
        line.terminal = true
        line.lastScalar = last
        line.textHash = ByteHash.of(bytes, range)
        line.firstWordHash = firstWordHash
        line.wordBits = wordBits
        return line
    }

    /// Whether a line holds `http`, `www.` or `.com` (in any case) or `@`: one pass over its bytes.
    static func holdsLink(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = s.count
        func at(_ i: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
            i + 3 < count && s[i + 1] | 0x20 == a && s[i + 2] | 0x20 == b && s[i + 3] | 0x20 == c
        }
        for i in 0..<count {
            let byte = s[i]
            if byte == 0x40 { return true }
            if byte | 0x20 == 0x68 && at(i, 0x74, 0x74, 0x70) { return true }  // http
            if byte | 0x20 == 0x77 && i + 3 < count && s[i + 1] | 0x20 == 0x77 && s[i + 2] | 0x20 == 0x77
                && s[i + 3] == 0x2E
            {
                return true
            }  // www.
            if byte == 0x2E && at(i, 0x63, 0x6F, 0x6D) { return true }  // .com
        }
        return false
    }

    /// `[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{2,4}` or `[0-9]{1,2}:[0-9]{2}` anywhere in a line's bytes: a date or a
    /// time (digits and separators are ASCII, so bytes and code points give the same answer).
    static func holdsDateOrTime(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
        func digitsAfter(_ start: Int) -> Int {
            var i = start
            while i < s.count && isDigit(s[i]) { i += 1 }
            return i - start
        }
        for p in s.indices where p > 0 && isDigit(s[p - 1]) {
            let separator = s[p]
            if separator == 0x3A {
                if digitsAfter(p + 1) >= 2 { return true }
            } else if separator == 0x2E || separator == 0x2F || separator == 0x2D {
                let middle = digitsAfter(p + 1)
                let q = p + 1 + middle
                if (1...2).contains(middle), q < s.count, s[q] == 0x2E || s[q] == 0x2F || s[q] == 0x2D,
                    digitsAfter(q + 1) >= 2
                {
                    return true
                }
            }
        }
        return false
    }

    /// The features of each line (nil for an empty one, and for prose that is not scored).
    static func features(
        _ text: UnsafeBufferPointer<UInt8>, _ ranges: [Range<Int>], proseLength: Int = .max
    ) -> [[Double]?] {
        let classes = Self.classes, lowercase = Self.lowercase, stopWordLanguages = Self.stopWordLanguages
        let lines = ranges.map {
            measure(
                UnsafeBufferPointer(rebasing: text[$0]), proseLength: proseLength, classes: classes,
                lowercase: lowercase, stopWords: stopWordLanguages)
        }
        let count = lines.count
        var languageHits = [Int](repeating: 0, count: languages.count)
        for line in lines {
            for bits in line.wordBits.prefix(line.languageWords) where bits != 0 {
                for index in languages.indices where bits & (1 << UInt32(index)) != 0 { languageHits[index] += 1 }
            }
        }
        var language: Int?
        for index in languages.indices where languageHits[index] > (language.map { languageHits[$0] } ?? 0) {
            language = index
        }
        let stopBit: UInt32 = language.map { 1 << UInt32($0) } ?? 0

        var seen: [UInt64: Int] = [:]
        for line in lines where !line.empty { seen[line.textHash, default: 0] += 1 }
        let lengths = lines.filter { !$0.empty }.map(\.scalars).sorted()
        let median = lengths.isEmpty ? 1 : lengths[lengths.count / 2]
        let shortShare = Double(lines.filter { !$0.empty && $0.short }.count) / Double(max(1, lengths.count))
        var run = [Int](repeating: 0, count: count)
        // Where the running text is (`Line.isProse`): before the first prose line, after the last, how far away.
        let anchors = lines.indices.filter { lines[$0].isProse }
        let (firstProse, lastProse) = (anchors.first ?? count, anchors.last ?? -1)
        var proseDistance = [Int](repeating: count, count: count)
        for i in 0..<count {
            if lines[i].isProse { proseDistance[i] = 0 } else if i > 0 { proseDistance[i] = proseDistance[i - 1] + 1 }
        }
        for i in stride(from: count - 2, through: 0, by: -1) {
            proseDistance[i] = min(proseDistance[i], proseDistance[i + 1] + 1)
        }
        let totalChars = lines.reduce(0) { $0 + $1.scalars }
        let proseChars = anchors.reduce(0) { $0 + lines[$1].scalars }
        let maxChars = lines.map(\.scalars).max() ?? 0
        /// The share of prose among the non-empty lines within 3 lines of line i (itself not counted).
        func windowProse(_ i: Int) -> Double {
            var nonEmpty = 0, prose = 0
            for j in max(0, i - 3)..<min(count, i + 4) where j != i && !lines[j].empty {
                nonEmpty += 1
                if lines[j].isProse { prose += 1 }
            }
            return Double(prose) / Double(max(1, nonEmpty))
        }
        var i = 0
        while i < count {
            if !lines[i].empty && lines[i].short {
                var j = i
                while j < count && !lines[j].empty && lines[j].short { j += 1 }
                for k in i..<j { run[k] = j - i }
                i = j
            } else {
                i += 1
            }
        }
        return lines.indices.map { i -> [Double]? in
            let line = lines[i]
            guard !line.empty, !line.prose else { return nil }
            let chars = Double(line.scalars)
            let wordCount = Double(max(1, line.words))
            let stops = stopBit == 0 ? 0 : line.wordBits.filter { $0 & stopBit != 0 }.count
            let previousShort = i == 0 || lines[i - 1].empty || lines[i - 1].short
            let nextShort = i == count - 1 || lines[i + 1].empty || lines[i + 1].short
            let first = line.firstWordHash
            let sameFirst =
                (i > 0 && lines[i - 1].firstWordHash == first) || (i + 1 < count && lines[i + 1].firstWordHash == first)
            let firstClass = classOf(line.firstScalar, classes)
            return [
                log1p(chars),
                log1p(Double(line.words)),
                line.words < 3 ? 1 : 0,
                line.terminal ? 1 : 0,
                line.endsWithColon ? 1 : 0,
                Double(line.letters) / chars,
                Double(line.digits) / chars,
                Double(line.upper) / Double(max(1, line.letters)),
                line.letters == 0 ? 1 : 0,
                Double(line.scalars - line.letters - line.digits - line.spaces) / chars,
                Double(min(3, line.separators)),
                line.link ? 1 : 0,
                Double(line.titleWords) / wordCount,
                Double(stops) / wordCount,
                Double(i) / Double(max(1, count - 1)),
                i == 0 || i == count - 1 ? 1 : 0,
                log1p(Double(run[i])),
                previousShort ? 1 : 0,
                nextShort ? 1 : 0,
                (seen[line.textHash] ?? 0) > 1 ? 1 : 0,
                firstClass & 64 != 0 || line.listNumber ? 1 : 0,
                min(20, (chars - Double(line.spaces)) / wordCount),
                line.dateOrTime ? 1 : 0,
                log1p(Double(count)),
                shortShare,
                min(10, chars / Double(max(1, median))),
                firstClass & 2 != 0 ? 1 : 0,
                line.currency ? 1 : 0,
                line.brackets ? 1 : 0,
                Double(line.digitWords) / wordCount,
                Double(line.capitalWords) / wordCount,
                sameFirst ? 1 : 0,
                i < firstProse ? 1 : 0,
                i > lastProse ? 1 : 0,
                Double(min(10, proseDistance[i])),
                Double(anchors.count) / Double(max(1, lengths.count)),
                Double(proseChars) / Double(totalChars + 1),
                log1p(Double(anchors.count)),
                windowProse(i),
                log1p(Double(maxChars)),
            ]
        }
    }
}
