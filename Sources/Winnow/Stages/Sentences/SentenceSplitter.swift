/// Splits text into sentences, rule by rule, on its UTF-8 bytes.
///
/// A sentence ends at `.`, `!`, `?` or an ellipsis (with any closing quotes and brackets after it) when the next
/// word could start a sentence, and always at CJK `。！？`, Devanagari `। ॥`, Arabic-script `؟ ۔`, Armenian `։`,
/// Burmese `။`, Ethiopic `። ፧` and, in Greek, `;`. A blank line always ends one; a single line break ends one when
/// the next line does not start in lower case (a headline, a list item, an article's title line).
///
/// A dot does not end a sentence inside a token (`3.14`, `example.com`, `Jane.Doe@x.org`, `Jr.'s`), before a
/// lower-case word, after a title (`Mr.`, `Dr.`, `Mt.`), after an initial (`J. R. R. Tolkien`; but `you and I. Did`
/// ends), after an abbreviation or a dotted abbreviation (`Co.`, `U.S.`, `z.B.`) unless a word that starts
/// sentences follows (abbreviations that close a sentence by nature, `etc.`, `usw.`, `т.д.`, end it before any capital) (`the U.S. How about you?` ends, `the U.S. Government` does not), after `p.`, `No.`, `Fig.`
/// before a number, after an ordinal number where the language writes them (`am 3. Oktober`), or as part of a list
/// marker. `a.m.`/`p.m.` end a sentence before a capital only after four words or more (`At 5 a.m. Mr. Smith went`
/// vs `He left at 6 P.M. Mr. Smith then went`). `!` and `?` end one unless a lower-case word follows (`Yahoo! in`).
/// A three-dot ellipsis ends one before a capital when written `...` or `…`, never when spaced `. . .`; four dots end
/// one. Numbered, lettered and bulleted list items (`1.)`, `2)`, `3.`, `a.`, `•`, `⁃`) start sentences when they
/// form a sequence.
struct SentenceSplitter: Sendable {
    let rules: LanguageRules

    /// The byte ranges of the sentences of `text`, trimmed of white space, in order; none is empty.
    func ranges(_ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var scanner = Scanner(bytes: text, rules: rules)
        scanner.run()
        return scanner.sentences()
    }

    private struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        let rules: LanguageRules
        /// Positions where a sentence ends.
        var cuts: [Int] = []
        /// Dots that belong to list markers.
        var markerDots: Set<Int> = []
        /// Where the current sentence started (for counting its words).
        var sentenceStart = 0

        init(bytes: UnsafeBufferPointer<UInt8>, rules: LanguageRules) {
            b = bytes
            self.rules = rules
        }

        var n: Int { b.count }

        mutating func run() {
            findListItems()
            let semicolon = rules.semicolonAsQuestionMark
            let base = UnsafeRawPointer(b.baseAddress)
            var i = 0
            while i < n {
                if let base, i + 8 <= n {
                    let word = SWAR.load(base, i)
                    if SWAR.contains(word, 0x2E) | SWAR.contains(word, 0x21) | SWAR.contains(word, 0x3F)
                        | SWAR.contains(word, 0x0A)
                        | SWAR.contains(word, 0x3B) | SWAR.contains(word, 0x3A) | SWAR.containsNonASCII(word) == 0
                    {
                        i += 8
                        continue
                    }
                }
                let byte = b[i]
                switch byte {
                case 0x0A:
                    i = newline(at: i)
                case 0x2E, 0x21, 0x3F:
                    i = markDots(at: i)
                case 0x3A, 0x3B:
                    if let length = emoticon(at: i) {
                        // `isn't seak :) Now I have`: a smiley closes its sentence.
                        if let next = nextWord(after: i + length), next.kind == .upper { cut(at: next.cutAt) }
                        i += length
                    } else if (byte == 0x3B && semicolon) || (byte == 0x3A && rules.colonAsFullStop) {
                        i = questionOrExclamation(at: i, end: i + 1)
                    } else if byte == 0x3A && rules.colonsBeforeCapitals {
                        // Not before a quotation: `Sie fragte: „Kommst du mit?“` is one sentence.
                        if let next = nextWord(after: i + 1), next.kind == .upper,
                            next.range.lowerBound == next.cutAt + 1
                        {
                            cut(at: next.cutAt)
                        }
                        i += 1
                    } else {
                        i += 1
                    }
                case 0xD6, 0xD8, 0xDB, 0xE0, 0xE1, 0xE2, 0xE3, 0xEF:
                    i = otherScript(at: i)
                default:
                    i += 1
                }
            }
        }

        // MARK: Decisions

        mutating func cut(at position: Int) {
            cuts.append(position)
            sentenceStart = position
        }

        /// `.`, `!`, `?` at `i`; returns where scanning goes on.
        mutating func markDots(at i: Int) -> Int {
            if markerDots.contains(i) { return i + 1 }
            if b[i] == 0x2E, i + 2 < n, b[i + 1] == 0x20, b[i + 2] == 0x2E { return spacedEllipsis(at: i) }
            var j = i
            var dots = 0
            var others = false
            while j < n, b[j] == 0x2E || b[j] == 0x21 || b[j] == 0x3F {
                if b[j] == 0x2E { dots += 1 } else { others = true }
                j += 1
            }
            if others { return questionOrExclamation(at: i, end: j) }
            if dots >= 3 {
                let bracketed = i > 0 && b[i - 1] == UInt8(ascii: "[")
                if let next = nextWord(after: j), !bracketed, next.kind == .upper { cut(at: next.cutAt) }
                return j
            }
            guard let next = nextWord(after: j) else { return j }
            if periodEndsSentence(at: i, next: next) { cut(at: next.cutAt) }
            return j
        }

        /// `!`, `?` (and runs like `?!`, and Greek `;`) from `i` to `end`: a sentence ends unless a lower-case word follows.
        mutating func questionOrExclamation(at i: Int, end: Int) -> Int {
            // Where the language's web text starts sentences in lower case: after a bare `?` (`grow up? india?`; not
            // `Yahoo! in`, not `?” she asked`).
            if let next = nextWord(after: end),
                next.kind != .lower
                    || (rules.lowerCaseStartsAfterQuestion && next.cutAt == end && b[i..<end].contains(0x3F))
            {
                cut(at: next.cutAt)
            }
            return end
        }

        /// `. . .` or `. . . .` starting at `i`.
        mutating func spacedEllipsis(at i: Int) -> Int {
            var dots = 1
            var end = i + 1
            while end + 1 < n, b[end] == 0x20, b[end + 1] == 0x2E {
                dots += 1
                end += 2
            }
            let attached = i > 0 && !isSpace(b[i - 1])
            guard dots >= 4, let next = nextWord(after: end), next.kind == .upper else { return end }
            // "compounds. . . . The": the first dot ends the sentence, the ellipsis opens the next one.
            cut(at: attached ? i + 1 : next.cutAt)
            return end
        }

        /// Whether the single dot at `i` ends a sentence, given the word after it.
        func periodEndsSentence(at i: Int, next: NextWord) -> Bool {
            if rules.dotsEndNoSentences { return false }
            var wordStart = i
            while wordStart > 0, !isSpace(b[wordStart - 1]) { wordStart -= 1 }
            while wordStart < i, isOpener(b[wordStart]) || b[wordStart] == 0x2D { wordStart += 1 }
            wordStart = afterElision(wordStart, i)
            if next.kind == .lower {
                // Where the language's web text starts sentences in lower case: after a bare dot (not `great.' she
                // said`) that ends a word of four letters or more that is no abbreviation.
                guard rules.lowerCaseStartsAfterPeriod, next.cutAt == i + 1, i - wordStart >= 4,
                    isLetters(wordStart..<i)
                else { return false }
                return wordKinds(wordStart..<i) == 0
            }
            guard wordStart < i else { return next.kind == .upper }
            let length = i - wordStart
            // Abbreviations, titles, initials and ordinals are short: a longer word ends its sentence (before a
            // number or a capital) unless it is a dotted abbreviation.
            if length > 12 { return next.kind != .other }
            let kinds = wordKinds(wordStart..<i)
            if next.kind == .digit {
                return kinds == 0 && length > 1 && !(length <= 4 && isSingleCharacter(wordStart..<i))
            }
            if next.kind == .other { return false }
            // The second piece of such an abbreviation is looked up whole (`т. д.` as `т.д`, `u. a.` as `u.a`).
            if length <= 2, let piece = previousWordRange(before: wordStart), b[piece.upperBound - 1] == 0x2E,
                isShortDottedPiece(piece)
            {
                let whole =
                    (String(decoding: UnsafeBufferPointer(rebasing: b[piece]), as: UTF8.self)
                    + String(decoding: UnsafeBufferPointer(rebasing: b[wordStart..<i]), as: UTF8.self)).lowercased()
                if rules.enders.contains(whole) { return next.kind == .upper }
                if rules.abbreviations.contains(whole) { return rules.starters.contains(lowercasedLetters(next.range)) }
            }
            if kinds & LanguageRules.titleBit != 0 { return false }
            // `z. B.`, `u. Ä.`, `EE. UU.`, `d. h.`: a piece of one or two letters and a dot, then another such piece —
            // one abbreviation written with a space.
            if length <= 2, isLetters(wordStart..<i), next.range.count <= 5, isShortDottedPiece(next.range) {
                return false
            }
            if let packed = LanguageRules.pack(b[wordStart..<i]), packed == Self.am || packed == Self.pm {
                return TextLines.wordCount(UnsafeBufferPointer(rebasing: b[sentenceStart..<wordStart])) >= 4
            }
            if kinds & LanguageRules.enderBit != 0 { return true }
            if kinds & LanguageRules.abbreviationBit != 0 || isDottedAbbreviation(wordStart..<i) {
                return rules.starters.contains(lowercasedLetters(next.range))
            }
            if length <= 4, isSingleCharacter(wordStart..<i),
                let letter = String(decoding: UnsafeBufferPointer(rebasing: b[wordStart..<i]), as: UTF8.self)
                    .unicodeScalars.first, letter.properties.isAlphabetic
            {
                guard letter.properties.isUppercase else { return true }
                // An initial, except "I" after a lower-case word: "you and I. Did you…".
                return letter == "I" && previousWordIsLowerCase(before: wordStart)
            }
            if isNumber(wordStart..<i) {
                // `klo 10.`, `s. 5.`: a number after a word that announces one counts, it does not rank.
                if let before = previousWordRange(before: wordStart) {
                    let bare = b[before.upperBound - 1] == 0x2E ? before.lowerBound..<(before.upperBound - 1) : before
                    if wordKinds(bare) & (LanguageRules.beforeNumberBit | LanguageRules.abbreviationBit) != 0 {
                        return true
                    }
                }
                if rules.ordinalsBeforeCapitals && length <= 2 && next.kind == .upper { return false }
                guard rules.ordinalDots, length <= 3 else { return true }
                // "am 3. Oktober", "der 2. Weltkrieg": a month follows, or a short word (article, preposition) precedes.
                return !(rules.months.contains(lowercasedLetters(next.range)) || previousWordIsShort(before: wordStart))
            }
            return true
        }

        /// A line break at `i`: a blank line ends the sentence; a single break does unless the next line starts in
        /// lower case or the line before ended with a dot (which `markDots` has decided).
        mutating func newline(at i: Int) -> Int {
            var p = i + 1
            while p < n, b[p] == 0x20 || b[p] == 0x09 || b[p] == 0x0D { p += 1 }
            if p < n && b[p] == 0x0A {
                cut(at: i)
                return p
            }
            var last = i
            while last > sentenceStart, isSpace(b[last - 1]) { last -= 1 }
            guard last > sentenceStart, b[last - 1] != 0x2E else { return i + 1 }
            // A line that starts with a dash is a list item, whatever follows the dash.
            if let next = nextWord(after: i), next.kind != .lower || dashLength(at: p) != nil { cut(at: i) }
            return i + 1
        }

        /// Terminators of other scripts, and the ellipsis character, at `i`.
        mutating func otherScript(at i: Int) -> Int {
            let length = i + 2 < n && b[i] >= 0xE0 ? 3 : 2
            guard i + length <= n else { return i + 1 }
            let mark = Array(b[i..<(i + length)])
            if mark == [0xE2, 0x80, 0xA6] {  // …
                if let next = nextWord(after: i + 3), next.kind == .upper { cut(at: next.cutAt) }
                return i + 3
            }
            guard Self.terminators.contains(mark) else { return i + 1 }
            var end = i + length
            while end < n, b[end] == 0x21 || b[end] == 0x3F { end += 1 }
            let marks = end
            end = skipClosers(from: end)
            // `「晴れです。」と彼は言った`: a quotation that a particle (hiragana) continues is part of the sentence.
            if end > marks, end + 2 < n, b[end] == 0xE3,
                (b[end + 1] == 0x81 && b[end + 2] >= 0x81) || (b[end + 1] == 0x82 && b[end + 2] <= 0x9F)
            {
                return end
            }
            if end < n { cut(at: end) }
            return end
        }

        /// 。！？ ． ।  ॥ ؟ ۔ ։ ။ ። ፧ — each ends a sentence wherever it stands.
        static let terminators: Set<[UInt8]> = [
            [0xE3, 0x80, 0x82], [0xEF, 0xBC, 0x81], [0xEF, 0xBC, 0x9F], [0xEF, 0xBC, 0x8E], [0xE0, 0xA5, 0xA4],
            [0xE0, 0xA5, 0xA5],
            [0xD8, 0x9F], [0xDB, 0x94], [0xD6, 0x89], [0xE1, 0x81, 0x8B], [0xE1, 0x8D, 0xA2], [0xE1, 0x8D, 0xA7],
        ]

        // MARK: Words

        enum Kind { case lower, upper, digit, other }

        struct NextWord {
            /// Where a sentence that ends before it is cut (after closing quotes and brackets).
            var cutAt: Int
            var kind: Kind
            /// The word's bytes, opening quotes and brackets skipped.
            var range: Range<Int>
        }

        /// The word after the terminal marks that end at `end`: nil when the marks are inside a token (no white
        /// space after them and their closers) or at the end of the text.
        func nextWord(after end: Int) -> NextWord? {
            var cutAt = skipClosers(from: end)
            guard cutAt < n, isSpace(b[cutAt]) else { return nil }
            var start = cutAt
            while start < n, isSpace(b[start]) { start += 1 }
            // Smileys after the marks belong to the sentence they close (`Please join us !!!! :-)`).
            while start < n, let length = emoticon(at: start) {
                cutAt = start + length
                start = cutAt
                while start < n, isSpace(b[start]) { start += 1 }
            }
            while start < n, let length = opener(at: start) { start += length }
            guard start < n else { return nil }
            var stop = start
            while stop < n, !isSpace(b[stop]) { stop += 1 }
            return NextWord(cutAt: cutAt, kind: kind(at: start), range: start..<stop)
        }

        /// The length of a smiley standing as a word at `i` (`:)`, `:-(`, `;)`, `:D`, `:P`, `:/`), or nil.
        func emoticon(at i: Int) -> Int? {
            guard i < n, b[i] == 0x3A || b[i] == 0x3B, i == 0 || isSpace(b[i - 1]) else { return nil }
            var j = i + 1
            if j < n, b[j] == 0x2D { j += 1 }
            guard j < n, [0x29, 0x28, 0x44, 0x50, 0x70, 0x2F].contains(b[j]) else { return nil }
            j += 1
            return j == n || isSpace(b[j]) ? j - i : nil
        }

        /// Whether the character at `i` is a lower-case letter, a capital (or a letter of a script without case), a
        /// digit, or something else. ASCII is decided from the byte.
        func kind(at i: Int) -> Kind {
            let byte = b[i]
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return .lower
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return .upper
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return .digit
            case ..<0x80: return .other
            default:
                var iterator = UnsafeBufferPointer(rebasing: b[i..<min(n, i + 4)]).makeIterator()
                var decoder = UTF8()
                guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return .other }
                let properties = scalar.properties
                if properties.isLowercase { return .lower }
                if properties.isUppercase || (properties.isAlphabetic && !properties.changesWhenCaseMapped) {
                    return .upper
                }
                return properties.numericType != nil ? .digit : .other
            }
        }

        /// The next word in lower case with its punctuation removed (for starter and month look-ups).
        func lowercasedLetters(_ range: Range<Int>) -> String {
            let word = String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self).lowercased()
            return String(
                String.UnicodeScalarView(
                    word.unicodeScalars.filter { $0.properties.isAlphabetic || $0 == "'" || $0 == "’" }))
        }

        func skipClosers(from start: Int) -> Int {
            var i = start
            while i < n {
                switch b[i] {
                case 0x22, 0x27, 0x29, 0x5D, 0x7D: i += 1  // " ' ) ] }
                case 0xC2 where i + 1 < n && (b[i + 1] == 0xBB || b[i + 1] == 0xAB):
                    i += 2  // » «
                // ‘ ’ “ ” › ‹
                case 0xE2
                where i + 2 < n && b[i + 1] == 0x80 && [0x98, 0x99, 0x9C, 0x9D, 0xBA, 0xB9].contains(b[i + 2]):
                    i += 3
                case 0x20 where i + 2 < n && b[i + 1] == 0xC2 && b[i + 2] == 0xBB && (i + 3 == n || isSpace(b[i + 3])):
                    i += 3  // French " »"
                case 0x20 where i + 2 < n && b[i + 1] == 0x27 && b[i + 2] == 0x27 && (i + 3 == n || isSpace(b[i + 3])):
                    i += 3  // " ''"
                case 0xE3 where i + 2 < n && b[i + 1] == 0x80 && [0x8D, 0x8F, 0x91, 0x95].contains(b[i + 2]):
                    i += 3  // 」』】〕
                case 0xEF where i + 2 < n && b[i + 1] == 0xBC && b[i + 2] == 0x89: i += 3  // ）
                default: return i
                }
            }
            return i
        }

        func isOpener(_ byte: UInt8) -> Bool {
            byte == 0x22 || byte == 0x27 || byte == 0x28 || byte == 0x5B || byte == 0x60 || byte == 0xC2 || byte == 0xE2
        }

        /// Bytes of what opens a sentence before its first word at `i`, or nil: an opening quote or bracket (`"`,
        /// `'`, `(`, `[`, `` ` ``, Dutch `,,`, `«`, `»`, `¿`, `¡`, `“`, `‘`, `„`, `‹`) or a dialogue dash with its space
        /// (`- `, `– `, `— `).
        func opener(at i: Int) -> Int? {
            switch b[i] {
            case 0x22, 0x27, 0x28, 0x5B, 0x60: return 1
            case 0x2C: return i + 1 < n && b[i + 1] == 0x2C ? 2 : nil
            case 0xC2: return i + 1 < n && [0xAB, 0xBB, 0xBF, 0xA1].contains(b[i + 1]) ? 2 : nil
            case 0xE2 where i + 2 < n && b[i + 1] == 0x80 && [0x9C, 0x98, 0x9E, 0xB9].contains(b[i + 2]): return 3
            default:
                guard let dash = dashLength(at: i), i + dash < n, b[i + dash] == 0x20 else { return nil }
                return dash + 1
            }
        }

        /// The bytes of a hyphen or dash used as one (`-`, `–`, `—`) at `i`, or nil.
        func dashLength(at i: Int) -> Int? {
            guard i < n else { return nil }
            if b[i] == 0x2D { return 1 }
            return b[i] == 0xE2 && i + 2 < n && b[i + 1] == 0x80 && (b[i + 2] == 0x93 || b[i + 2] == 0x94) ? 3 : nil
        }

        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }

        func isNumber(_ range: Range<Int>) -> Bool {
            b[range].allSatisfy { $0 &- UInt8(ascii: "0") < 10 || $0 == 0x2E || $0 == 0x2C }
                && b[range].contains { $0 &- UInt8(ascii: "0") < 10 }
        }

        static let am = LanguageRules.pack("a.m".utf8)!, pm = LanguageRules.pack("p.m".utf8)!

        /// The abbreviation, title and before-number bits of a word: from the packed table for short ASCII words,
        /// else from the sets (lower-casing the word).
        func wordKinds(_ range: Range<Int>) -> UInt8 {
            if let packed = LanguageRules.pack(b[range]) { return rules.packedKinds[packed] ?? 0 }
            guard b[range].contains(where: { $0 >= 0x80 }) else { return 0 }  // a longer ASCII word is in no list
            let lower = String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self).lowercased()
            var kinds: UInt8 = 0
            if rules.abbreviations.contains(lower) { kinds |= LanguageRules.abbreviationBit }
            if rules.titles.contains(lower) { kinds |= LanguageRules.titleBit }
            if rules.beforeNumbers.contains(lower) { kinds |= LanguageRules.beforeNumberBit }
            if rules.enders.contains(lower) { kinds |= LanguageRules.enderBit }
            return kinds
        }

        /// Where the word from `start` to `end` begins once an elided article or preposition is taken off (`L'Ing`,
        /// `dell'Avv`, `d'art`): the letters after an apostrophe that follows one to four letters.
        func afterElision(_ start: Int, _ end: Int) -> Int {
            var j = start
            while j < end, j - start < 5, (b[j] | 0x20) &- UInt8(ascii: "a") < 26 { j += 1 }
            guard j > start, j < end else { return start }
            if b[j] == 0x27 { return j + 1 < end ? j + 1 : start }
            if j + 2 < end, b[j] == 0xE2, b[j + 1] == 0x80, b[j + 2] == 0x99 { return j + 3 < end ? j + 3 : start }
            return start
        }

        /// Whether the bytes are letters only (any script).
        func isLetters(_ range: Range<Int>) -> Bool {
            guard !range.isEmpty else { return false }
            var i = range.lowerBound
            while i < range.upperBound {
                if b[i] < 0x80 {
                    guard (b[i] | 0x20) &- UInt8(ascii: "a") < 26 else { return false }
                    i += 1
                } else {
                    guard kind(at: i) == .lower || kind(at: i) == .upper else { return false }
                    i += 1
                    while i < range.upperBound, b[i] & 0xC0 == 0x80 { i += 1 }
                }
            }
            return true
        }

        /// `B.`, `Ä.`, `UU.`, `h.`: one or two letters and a dot, then nothing but punctuation (`B.,`).
        func isShortDottedPiece(_ range: Range<Int>) -> Bool {
            guard let dot = b[range].firstIndex(of: 0x2E), dot > range.lowerBound, isLetters(range.lowerBound..<dot)
            else { return false }
            let letters = b[range.lowerBound..<dot].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            let rest = b[(dot + 1)..<range.upperBound]
            return letters <= 2
                && rest.allSatisfy {
                    $0 < 0x80 && ($0 | 0x20) &- UInt8(ascii: "a") >= 26 && $0 &- UInt8(ascii: "0") >= 10
                }
        }

        /// Whether the bytes hold one code point (a letter like `p`, `§`, `č`).
        func isSingleCharacter(_ range: Range<Int>) -> Bool {
            b[range].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } == 1
        }

        /// `u.s`, `e.g`, `z.b`, `ph.d`, `n.º`: dot-separated pieces of one to four letters (not a URL or a number).
        func isDottedAbbreviation(_ range: Range<Int>) -> Bool {
            var pieces = 0
            var pieceLength = 0
            for index in range {
                let byte = b[index]
                if byte == 0x2E {
                    guard pieceLength > 0 else { return false }
                    pieces += 1
                    pieceLength = 0
                } else if byte >= 0x80 || (byte | 0x20) &- UInt8(ascii: "a") < 26 {
                    if byte & 0xC0 != 0x80 { pieceLength += 1 }
                    if pieceLength > 4 { return false }
                } else {
                    return false
                }
            }
            return pieces >= 1 && pieceLength > 0
        }

        /// The word before the one that starts at `wordStart`, or nil at the start of the text.
        func previousWord(before wordStart: Int) -> String? {
            previousWordRange(before: wordStart).map {
                String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self)
            }
        }

        /// Where the word before the one that starts at `wordStart` is, or nil at the start of the text.
        func previousWordRange(before wordStart: Int) -> Range<Int>? {
            var end = wordStart
            while end > 0, isSpace(b[end - 1]) { end -= 1 }
            var start = end
            while start > 0, !isSpace(b[start - 1]) { start -= 1 }
            return start < end ? start..<end : nil
        }

        /// An article or preposition, say: one to four letters.
        func previousWordIsShort(before wordStart: Int) -> Bool {
            guard let word = previousWord(before: wordStart) else { return false }
            return (1...4).contains(word.count) && word.allSatisfy(\.isLetter)
        }

        func previousWordIsLowerCase(before wordStart: Int) -> Bool {
            previousWord(before: wordStart)?.unicodeScalars.first?.properties.isLowercase ?? false
        }

        // MARK: Lists

        /// Finds list markers (`1.)`, `2)`, `3.`, `a.`, bullets) that form sequences: each but the first starts a
        /// sentence, and their dots are not sentence ends.
        mutating func findListItems() {
            var numbered: [(position: Int, value: Int, style: UInt8, dots: [Int])] = []
            var bullets: [UInt32: [Int]] = [:]
            let base = UnsafeRawPointer(b.baseAddress)
            var i = 0
            while i < n {
                // Markers end in "." or ")"; bullets start with 0xE2. Words without either are skipped whole.
                if let base, i + 8 <= n {
                    let word = SWAR.load(base, i)
                    if SWAR.contains(word, 0x2E) | SWAR.contains(word, 0x29) | SWAR.contains(word, 0xE2) == 0 {
                        i += 8
                        continue
                    }
                }
                let byte = b[i]
                if byte == 0xE2, i == 0 || isSpace(b[i - 1]) || isBullet(endingAt: i) != nil,
                    let (scalar, length) = bulletScalar(at: i)
                {
                    bullets[scalar, default: []].append(i)
                    i += length
                    continue
                }
                if byte == 0x2E || byte == 0x29, let start = markerStart(endingBefore: i),
                    let marker = marker(at: start)
                {
                    numbered.append((marker.position, marker.value, marker.style, marker.dots))
                    i = marker.end
                    continue
                }
                i += 1
            }
            var forced: [Int] = []
            var runStart = 0
            while runStart < numbered.count {
                var runEnd = runStart + 1
                while runEnd < numbered.count, numbered[runEnd].value == numbered[runEnd - 1].value + 1,
                    numbered[runEnd].style == numbered[runStart].style
                {
                    runEnd += 1
                }
                if runEnd - runStart >= 2 {
                    for item in numbered[runStart..<runEnd] {
                        markerDots.formUnion(item.dots)
                        if item.position > 0 { forced.append(item.position) }
                    }
                }
                runStart = runEnd
            }
            for positions in bullets.values where positions.count >= 2 {
                forced.append(contentsOf: positions.filter { $0 > 0 })
            }
            forced.sort()
            // "• 10. The second item": the bullet starts the item; the number after it does not start another.
            var previous = 0
            for position in forced where !bulletOnly(previous..<position) {
                cuts.append(position)
                previous = position
            }
        }

        /// Where a marker that has its `.` or `)` at `i` would start: one or two digits or one letter at a word start.
        func markerStart(endingBefore i: Int) -> Int? {
            var start = i
            while start > 0, i - start < 2, b[start - 1] &- UInt8(ascii: "0") < 10 { start -= 1 }
            if start == i {
                guard i > 0, b[i - 1] &- UInt8(ascii: "a") < 26 else { return nil }
                start = i - 1
            }
            guard start == 0 || isSpace(b[start - 1]) || isBullet(endingAt: start) != nil else { return nil }
            return start
        }

        func bulletOnly(_ range: Range<Int>) -> Bool {
            var i = range.lowerBound
            while i < range.upperBound {
                if isSpace(b[i]) { i += 1; continue }
                guard let (_, length) = bulletScalar(at: i) else { return false }
                i += length
            }
            return true
        }

        /// A bullet (• ⁃ ◦ ▪ ● ‣ –) at `i`, as its scalar and byte length.
        func bulletScalar(at i: Int) -> (UInt32, Int)? {
            guard i + 2 < n, b[i] == 0xE2 else { return nil }
            let scalar = UInt32(b[i] & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F)
            return [0x2022, 0x2043, 0x25E6, 0x25AA, 0x25CF, 0x2023].contains(scalar) ? (scalar, 3) : nil
        }

        /// The bullet that ends right before `i`, if any.
        func isBullet(endingAt i: Int) -> UInt32? {
            guard i >= 3 else { return nil }
            return bulletScalar(at: i - 3)?.0
        }

        /// A list marker at `i`: 1–2 digits or one lower-case letter, then `.)`, `)` or `.`, then a space and a
        /// word that does not start in lower case.
        func marker(at i: Int) -> (position: Int, value: Int, style: UInt8, dots: [Int], end: Int)? {
            var j = i
            var value = 0
            var style: UInt8
            while j < n, j - i < 2, b[j] &- UInt8(ascii: "0") < 10 {
                value = value * 10 + Int(b[j] - UInt8(ascii: "0"))
                j += 1
            }
            if j == i {
                guard j < n, b[j] &- UInt8(ascii: "a") < 26 else { return nil }
                value = 1000 + Int(b[j] - UInt8(ascii: "a"))  // letters count on from 1000
                j += 1
            }
            var dots: [Int] = []
            if j < n && b[j] == 0x2E {
                dots.append(j)
                j += 1
                style = 0x2E
                if j < n && b[j] == 0x29 { j += 1; style = 0x29 + 0x2E }
            } else if j < n && b[j] == 0x29 {
                j += 1
                style = 0x29
            } else {
                return nil
            }
            guard j + 1 < n, b[j] == 0x20, !(b[j + 1] &- UInt8(ascii: "a") < 26) else { return nil }
            if value >= 1000 && dots.isEmpty { style = 0x29 }
            return (i, value, style, dots, j)
        }

        // MARK: Result

        func sentences() -> [Range<Int>] {
            var ends = cuts.sorted()
            ends.append(n)
            var result: [Range<Int>] = []
            var start = 0
            for end in ends where end >= start {
                var s = start, e = end
                while s < e, isSpace(b[s]) { s += 1 }
                while e > s, isSpace(b[e - 1]) { e -= 1 }
                if s < e { result.append(s..<e) }
                start = end
            }
            return result
        }
    }
}
