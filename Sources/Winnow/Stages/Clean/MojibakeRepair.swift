/// Repairs mojibake: UTF-8 text that was once decoded as a single-byte code page — Windows-1252 or Latin-1 (`â€™`
/// for `’`, `Ã©` for `é`, `Â ` for a no-break space), Windows-1251 (`РџСЂРёРІРµС‚` for `Привет`), Windows-1250,
/// ISO-8859-2, Windows-1257, MacRoman (`√©`) or code page 437 (`├⌐`) — once, twice or three times, in text that may be
/// correct around it, as ftfy does.
///
/// **Never damage correct text.** A repair is made per *token* (a run of characters between ASCII whitespace) and only
/// when the repaired token is clearly more plausible than the token as it stands: `badness` scores adjacent
/// characters by kind and script — an accented capital after a small letter (`fÃ¼r`), a letter against a symbol
/// (`Ã©`, `€™`), an opening `¿` after a letter, letters of two scripts in one word (`Bront녔`), a case that flips back
/// and forth (`РџСЂРёРІРµС‚`), marks with nothing to sit on, box drawing, controls, private use — and the repair must
/// lower the score by at least 2. So `“×” curves`, `4288×…`, `MARQUÉ…`, `SELKÄ EDELLÄ`, `Brontë…”`, `AHÅ™` or
/// French `é` + NBSP + `»` — all of which *decode* as UTF-8 — stay as they are: their repaired form is no better.
///
/// Also undone: `â€` + `?` or `�` (the third byte of `”` is undefined in Windows-1252 and was lost) → `”`; `ï¿½` (a
/// UTF-8 U+FFFD read as Windows-1252) → `�`; `Ã` + a space after a small letter (`voilÃ  le`: the no-break space of `à`
/// became a space) → `à`. Results may be combining marks or variation selectors when something carries them.
enum MojibakeRepair {
    /// The code pages tried, in order (a tie goes to the first).
    enum CodePage: Int, CaseIterable {
        case windows1252, windows1251, windows1250, iso8859_2, windows1257, macRoman, cp437
    }

    /// `text` with mojibake repaired, and the number of characters repaired (0: `text` is returned as it is).
    static func repair(_ text: String) -> (text: String, repairs: Int) {
        let engine = Engine.shared
        var copy = text
        let (first, firstRepairs) = copy.withUTF8 { engine.repairOnce($0) }
        guard var bytes = first else { return (text, 0) }
        var total = firstRepairs
        // A repair may uncover more mojibake (text broken again after the first mistake); the bytes stay bytes until
        // the last pass.
        for _ in 0..<2 {
            let (next, repairs) = bytes.withUnsafeBufferPointer { engine.repairOnce($0) }
            guard let next else { break }
            bytes = next
            total += repairs
        }
        return (String(decoding: bytes, as: UTF8.self), total)
    }

    /// The tables and the scoring, built once (`shared`) and handed to each pass.
    struct Engine: Sendable {
        static let shared = Engine()

        // MARK: - Tables

        let scalarBytes: [[UInt8]]
        /// Bit `page` set: the code point is a UTF-8 lead byte (0xC2–0xF4) in that page.
        let leadMask: [UInt8]
        /// Bit `page` set: the code point is a UTF-8 continuation byte (0x80–0xBF) in that page.
        let continuationMask: [UInt8]
        /// `kind(of:)` and `scriptGroup` of the Basic Multilingual Plane.
        let kinds: [Kind]
        let scriptGroups: [Int16]
        let latin: Int
        let eastAsian: Set<Int>

        init() {
            let rows = CodePage.allCases.map { page in
                Array(MojibakeRepair.codePageRows[page.rawValue * 128..<(page.rawValue + 1) * 128])
            }
            // Windows-1252's also takes the C1 controls back to their bytes: that is Latin-1, where they are 0x80–0x9F.
            let bytes = rows.enumerated().map { page, row in
                var table = [UInt8](repeating: 0, count: 0x10000)
                if page == CodePage.windows1252.rawValue { for byte in 0x80...0x9F { table[byte] = UInt8(byte) } }
                for (offset, scalar) in row.enumerated() where scalar != 0 && scalar < 0x10000 {
                    table[Int(scalar)] = UInt8(0x80 + offset)
                }
                return table
            }
            func mask(_ include: (UInt8) -> Bool) -> [UInt8] {
                var table = [UInt8](repeating: 0, count: 0x10000)
                for page in bytes.indices {
                    for scalar in 0..<0x10000 where bytes[page][scalar] != 0 && include(bytes[page][scalar]) {
                        table[scalar] |= 1 << page
                    }
                }
                return table
            }
            scalarBytes = bytes
            leadMask = mask { (0xC2...0xF4).contains($0) }
            continuationMask = mask { (0x80...0xBF).contains($0) }
            kinds = (0..<0x10000).map { Engine.classify($0) }
            let latin = UnicodeScript.number("Latn")
            let eastAsian = Set(["Hani", "Hira", "Kana", "Hang", "Bopo"].map(UnicodeScript.number))
            scriptGroups = (0..<0x10000).map { scalar in
                let number = scalar < 0x80 ? latin : UnicodeScript.number(of: UInt32(scalar))
                return Int16(eastAsian.contains(number) ? -1 : number)
            }
            self.latin = latin
            self.eastAsian = eastAsian
        }

        @inline(__always)
        func lookup(_ table: [UInt8], _ scalar: UInt32) -> UInt8 { scalar < 0x10000 ? table[Int(scalar)] : 0 }

        // MARK: - Scanning

        /// A set of the Latin letters U+00C0–U+017F (Latin-1's and Latin Extended-A's) in small letters (`Å` counts
        /// as `å`), as bits.
        struct LatinLetters {
            private var bits: (UInt64, UInt64, UInt64) = (0, 0, 0)

            /// The small letter of a capital in U+00C0–U+017F (the others as they are).
            static func small(_ scalar: UInt32) -> UInt32 {
                switch scalar {
                case 0xC0...0xDE where scalar != 0xD7: scalar + 0x20
                case 0x100...0x137, 0x14A...0x177: scalar | 1
                case 0x139...0x148, 0x179...0x17E: scalar & 1 == 1 ? scalar + 1 : scalar
                default: scalar
                }
            }

            mutating func insert(_ scalar: UInt32) {
                let offset = Self.small(scalar) &- 0xC0
                guard offset < 192 else { return }
                let bit = UInt64(1) << UInt64(offset & 63)
                switch offset >> 6 {
                case 0: bits.0 |= bit
                case 1: bits.1 |= bit
                default: bits.2 |= bit
                }
            }

            func contains(_ scalar: UInt32) -> Bool {
                let offset = Self.small(scalar) &- 0xC0
                guard offset < 192 else { return false }
                let word = offset >> 6 == 0 ? bits.0 : (offset >> 6 == 1 ? bits.1 : bits.2)
                return word & (UInt64(1) << UInt64(offset & 63)) != 0
            }

            mutating func formUnion(_ other: LatinLetters) {
                bits = (bits.0 | other.bits.0, bits.1 | other.bits.1, bits.2 | other.bits.2)
            }
        }

        /// A token that may be mojibake: where it is and the code pages that could have made it.
        private struct Suspect {
            var start: Int, end: Int, pages: UInt8
        }

        /// What one code page makes of a token: the best of its levels, its characters in `Pass.pool`.
        private struct Candidate {
            var page: CodePage, gain: Int, fixes: Int, scalars: Range<Int>
            /// At every level, every non-ASCII character of the token was part of a sequence the page decoded: the token
            /// is wholly mojibake.
            var whole: Bool
        }

        /// A suspect token and what its code pages make of it (`Pass.candidates[candidates]`), with the index after
        /// what a repair replaces (beyond the token's end when it takes the following space, `voilÃ  le`).
        private struct Evaluated {
            var suspect: Suspect, tokenEnd: Int, candidates: Range<Int>
        }

        /// The working memory of one pass, reused from token to token (a pass over text that is all mojibake would
        /// otherwise allocate a few arrays a token).
        private struct Pass {
            var candidates: [Candidate] = []
            /// The characters of every candidate, one after the other.
            var pool: [UInt32] = []
            var token: [UInt32] = []
            var level: [UInt32] = []
            var nextLevel: [UInt32] = []
        }

        /// One pass; nil when nothing needs repair (the common case is found without copying).
        ///
        /// A text is mis-decoded with one code page, so the pass decides with the whole text in view: each suspect
        /// token is tried with every code page that could have made it; the page whose repairs gain most over the
        /// text is the text's page, and wins a token where pages tie (Windows-1250 and ISO-8859-2 hold the same
        /// letters at other bytes, so `mĂĄste` is `måste` or `müste`, and only the rest of the text tells). A token
        /// is repaired when its gain is at least 2 — or, once the text's page has made a repair of gain 2 or more
        /// elsewhere in the text, with that page when its gain is at least 1, or 0 when the token is wholly mojibake
        /// (short words such as Russian `Р’` for `В` or `РІ` for `в`, French `Г ` for `à`, carry too little evidence
        /// on their own) and the letters it writes are of a script the text has. Correct text holds no confident
        /// repair, so this never touches it.
        func repairOnce(_ input: UnsafeBufferPointer<UInt8>) -> ([UInt8]?, Int) {
            var knownLetters = LatinLetters()
            let suspects = findSuspects(input, knownLetters: &knownLetters)
            guard !suspects.isEmpty else { return (nil, 0) }
            var pass = Pass()
            var evaluated: [Evaluated] = []
            var gainByPage = [Int](repeating: 0, count: CodePage.allCases.count)
            var agreementByPage = [Int](repeating: 0, count: CodePage.allCases.count)
            var confident = [Bool](repeating: false, count: CodePage.allCases.count)
            for suspect in suspects {
                let first = pass.candidates.count
                let tokenEnd = evaluateToken(input, suspect, &pass)
                guard pass.candidates.count > first else { continue }
                for candidate in pass.candidates[first...] {
                    gainByPage[candidate.page.rawValue] += candidate.gain
                    if candidate.gain >= 2 { confident[candidate.page.rawValue] = true }
                    agreementByPage[candidate.page.rawValue] += pass.pool[candidate.scalars].reduce(0) {
                        $0 + (knownLetters.contains($1) ? 1 : 0)
                    }
                }
                evaluated.append(
                    Evaluated(suspect: suspect, tokenEnd: tokenEnd, candidates: first..<pass.candidates.count))
            }
            // The text's page: the most gain; of equals, the one whose repairs make the accented letters the text
            // writes correctly elsewhere (`å` where `måste` stands whole, not `ü`); then the first.
            var textPage: CodePage?
            for page in CodePage.allCases where confident[page.rawValue] {
                let score = (gainByPage[page.rawValue], agreementByPage[page.rawValue])
                if let current = textPage, score <= (gainByPage[current.rawValue], agreementByPage[current.rawValue]) {
                    continue
                }
                textPage = page
            }
            var textScripts: Set<Int>?
            var output: [UInt8] = []
            var repairs = 0
            var copied = 0
            for token in evaluated {
                var best: Candidate?
                for candidate in pass.candidates[token.candidates] {
                    let bar = candidate.page == textPage ? (candidate.whole ? 0 : 1) : 2
                    guard candidate.gain >= bar else { continue }
                    // A repair on the text's evidence writes only letters of scripts the text has (`“×”` in English
                    // text is not `“ה`).
                    if candidate.gain < 2, let textPage {
                        let scripts = textScripts ?? scripts(of: input, outside: evaluated, pass, page: textPage)
                        textScripts = scripts
                        guard
                            pass.pool[candidate.scalars].allSatisfy({
                                $0 < 0x80 || !isLetter($0) || scripts.contains(scriptGroup($0))
                            })
                        else { continue }
                    }
                    if let current = best {
                        if candidate.gain > current.gain
                            || (candidate.gain == current.gain && candidate.page == textPage)
                        {
                            best = candidate
                        }
                    } else {
                        best = candidate
                    }
                }
                guard let best else { continue }
                if output.isEmpty { output.reserveCapacity(input.count) }
                output.append(contentsOf: input[copied..<token.suspect.start])
                let mark = output.count
                for scalar in pass.pool[best.scalars] { UTF8Bytes.append(scalar, to: &output) }
                // The no-break space of a lone `Ã` that was not repaired is given back as the space it was.
                if token.tokenEnd > token.suspect.end, pass.pool[best.scalars].last == 0xA0, output.count - mark >= 2 {
                    output.removeLast(2)
                    output.append(0x20)
                }
                copied = token.tokenEnd
                repairs += best.fixes
            }
            guard repairs > 0 else { return (nil, 0) }
            output.append(contentsOf: input[copied...])
            return (output, repairs)
        }

        /// The script groups of the text's non-ASCII letters outside the suspect tokens that were evaluated and in
        /// the confident repairs (gain 2 or more) that `page` makes.
        private func scripts(
            of input: UnsafeBufferPointer<UInt8>, outside evaluated: [Evaluated], _ pass: Pass, page: CodePage
        ) -> Set<Int> {
            var groups = Set<Int>()
            for candidate in pass.candidates where candidate.page == page && candidate.gain >= 2 {
                for scalar in pass.pool[candidate.scalars] where scalar >= 0x80 && isLetter(scalar) {
                    groups.insert(scriptGroup(scalar))
                }
            }
            var position = 0
            for index in 0...evaluated.count {
                let gapEnd = index < evaluated.count ? evaluated[index].suspect.start : input.count
                while position < gapEnd {
                    if input[position] < 0x80 { position += 1; continue }
                    let (scalar, width) = UTF8Bytes.decode(input, at: position)
                    if isLetter(scalar) { groups.insert(scriptGroup(scalar)) }
                    position += width
                }
                if index < evaluated.count { position = evaluated[index].tokenEnd }
            }
            return groups
        }

        private func isLetter(_ scalar: UInt32) -> Bool { kind(of: scalar).isLetter }

        /// The tokens (runs between ASCII whitespace) that hold a character which is a UTF-8 lead byte in some code
        /// page followed by one that is a continuation byte in the same page, or `Ã` before a space.
        private func findSuspects(_ input: UnsafeBufferPointer<UInt8>, knownLetters: inout LatinLetters) -> [Suspect] {
            var suspects: [Suspect] = []
            guard let base = input.baseAddress else { return suspects }
            let count = input.count
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
            // Only tokens that hold a non-ASCII character can be mojibake: ASCII runs are skipped eight bytes at a time
            // (byte by byte this scan was 22% of a repair-only pass over BBC news).
            var i = 0
            var lastEnd = 0
            while i < count {
                while i + 8 <= count, SWAR.containsNonASCII(SWAR.load(base, i)) == 0 { i += 8 }
                while i < count, input[i] < 0x80 { i += 1 }
                guard i < count else { break }
                var start = i
                while start > lastEnd, !isSpace(input[start - 1]) { start -= 1 }
                var tokenLetters = LatinLetters()
                var suspect = false
                var pages: UInt8 = 0
                var previous: UInt32 = 0x20  // what comes before the first non-ASCII character is ASCII: never a lead
                while i < count, !isSpace(input[i]) {
                    let byte = input[i]
                    if byte < 0x80 {
                        previous = UInt32(byte)
                        i += 1
                        continue
                    }
                    let (scalar, width) = UTF8Bytes.decode(input, at: i)
                    tokenLetters.insert(scalar)
                    let candidates = lookup(leadMask, previous) & lookup(continuationMask, scalar)
                    if candidates != 0 {
                        suspect = true
                        pages |= candidates
                    }
                    // `Ã` and a space: the space may have been the no-break space of `à`.
                    if scalar == 0xC3, i + width < count, input[i + width] == 0x20 {
                        suspect = true
                        pages |= 1 << CodePage.windows1252.rawValue
                    }
                    previous = scalar
                    i += width
                }
                if suspect {
                    suspects.append(Suspect(start: start, end: i, pages: pages))
                } else {
                    knownLetters.formUnion(tokenLetters)
                }
                lastEnd = i
            }
            return suspects
        }

        /// What each of the token's code pages makes of it (those that gain anything), appended to `pass.candidates`;
        /// returns the index after what a repair replaces (beyond the token's end when it takes the following space,
        /// `voilÃ  le`).
        private func evaluateToken(_ input: UnsafeBufferPointer<UInt8>, _ suspect: Suspect, _ pass: inout Pass) -> Int {
            pass.token.removeAll(keepingCapacity: true)
            var position = suspect.start
            while position < suspect.end {
                let (scalar, width) = UTF8Bytes.decode(input, at: position)
                pass.token.append(scalar)
                position += width
            }
            var tokenEnd = suspect.end
            // `voilÃ  le`: a small letter, `Ã`, then the space that was its no-break space.
            let count = pass.token.count
            if count >= 2, pass.token[count - 1] == 0xC3, kind(of: pass.token[count - 2]) == .lower,
                suspect.end < input.count, input[suspect.end] == 0x20
            {
                pass.token.append(0xA0)
                tokenEnd = suspect.end + 1
            }
            let before: UInt32 = 0x20  // tokens start after whitespace
            let after: UInt32 = tokenEnd < input.count ? UTF8Bytes.decode(input, at: tokenEnd).0 : 0x20
            let original = badness(pass.token, before: before, after: after)
            let originalJunk = junk(pass.token)
            for page in CodePage.allCases where suspect.pages & (1 << page.rawValue) != 0 {
                // Decoded once, twice or three times with the page (text mis-decoded twice the same way is common, and
                // the halfway text is often no more plausible than the start); the best level counts.
                var fixes = 0
                var bonus = 0
                var best: Candidate?
                var whole = true
                for level in 0..<3 {
                    let decoded =
                        level == 0
                        ? decode(pass.token, page: page, into: &pass.level)
                        : decode(pass.level, page: page, into: &pass.nextLevel)
                    guard let (levelFixes, levelBonus, untouched) = decoded else { break }
                    if level > 0 { swap(&pass.level, &pass.nextLevel) }
                    whole = whole && untouched == 0
                    fixes += levelFixes
                    bonus += levelBonus
                    let left = badness(pass.level, before: before, after: after)
                    let gain = original - left + bonus
                    // A deeper level repairs the level above, so it must be clearly better than it (`“×”` stays, not
                    // `“ה`; `MARQUÉ…`, not `MARQUɅ`) — or, while every level decoded the whole token, as good and
                    // flawless (`Р“В ` → `Г ` → `à`).
                    let better =
                        best.map {
                            gain >= $0.gain + 2 || (whole && (gain > $0.gain || (gain == $0.gain && left == 0)))
                        } ?? true
                    // Never bring in characters that text is not made of (controls, private use, box drawing,
                    // unassigned code points) where the original had none.
                    if gain >= (whole ? 0 : 1) && better && junk(pass.level) <= originalJunk {
                        // The best level so far is the last thing in the pool: replace it.
                        if let best { pass.pool.removeSubrange(best.scalars) }
                        let start = pass.pool.count
                        pass.pool.append(contentsOf: pass.level)
                        best = Candidate(
                            page: page, gain: gain, fixes: fixes, scalars: start..<pass.pool.count, whole: whole)
                    }
                    // A flawless token: no further level can do better — unless every level so far decoded all of it.
                    if left == 0 && !whole { break }
                }
                if let best { pass.candidates.append(best) }
            }
            return tokenEnd
        }

        /// `token` with every sequence that `page` turns into UTF-8 decoded, written to `result`; returns the number
        /// decoded, a bonus for the patterns that only mojibake makes (`â€?`, `voilÃ  le`), and the number of non-ASCII
        /// characters left as they were — nil when nothing decodes.
        private func decode(_ token: [UInt32], page: CodePage, into result: inout [UInt32]) -> (Int, Int, Int)? {
            // Written through pointers: a decoded token is never longer than the token.
            if result.count < token.count {
                result.append(contentsOf: repeatElement(0, count: token.count - result.count))
            }
            var written = 0
            let counts: (Int, Int, Int) = scalarBytes[page.rawValue].withUnsafeBufferPointer { bytes in
                result.withUnsafeMutableBufferPointer { output in
                    token.withUnsafeBufferPointer { token in
                        func byte(_ scalar: UInt32) -> UInt8 { scalar < 0x10000 ? bytes[Int(scalar)] : 0 }
                        func emit(_ scalar: UInt32) { output[written] = scalar; written += 1 }
                        var fixes = 0
                        var bonus = 0
                        var untouched = 0
                        var i = 0
                        while i < token.count {
                            let lead = byte(token[i])
                            let length = lead >= 0xF0 ? 4 : (lead >= 0xE0 ? 3 : 2)
                            if (0xC2...0xF4).contains(lead), i + 1 < token.count {
                                if page == .windows1252 {
                                    // `â€` and a lost third byte: `”`, whose 0x9D Windows-1252 does not define.
                                    if lead == 0xE2, byte(token[i + 1]) == 0x80, i + 2 < token.count,
                                        token[i + 2] == 0x3F || token[i + 2] == 0xFFFD
                                    {
                                        emit(0x201D); fixes += 1; bonus += 2; i += 3
                                        continue
                                    }
                                    if lead == 0xC3, token[i + 1] == 0xA0, i + 2 == token.count, i > 0,
                                        kind(of: token[i - 1]) == .lower
                                    {
                                        emit(0xE0); fixes += 1; bonus += 2; i += 2
                                        continue
                                    }
                                }
                                if i + length <= token.count,
                                    let scalar = sequenceScalar(
                                        lead: lead, length: length, at: i + 1, of: token, byte: byte)
                                {
                                    emit(scalar)
                                    fixes += 1
                                    i += length
                                    continue
                                }
                            }
                            if token[i] >= 0x80 { untouched += 1 }
                            emit(token[i])
                            i += 1
                        }
                        return (fixes, bonus, untouched)
                    }
                }
            }
            result.removeLast(result.count - written)
            return counts.0 > 0 ? counts : nil
        }

        /// The code point that `lead` and the bytes of the `length - 1` characters from `start` encode as well-formed
        /// UTF-8 (no overlong forms, surrogates or values past U+10FFFF), or nil.
        @inline(__always)
        private func sequenceScalar(
            lead: UInt8, length: Int, at start: Int, of token: UnsafeBufferPointer<UInt32>, byte: (UInt32) -> UInt8
        ) -> UInt32? {
            var value = UInt32(lead) & (length == 2 ? 0x1F : (length == 3 ? 0x0F : 0x07))
            for k in 0..<(length - 1) {
                let continuation = byte(token[start + k])
                guard continuation & 0xC0 == 0x80 else { return nil }
                if k == 0 {
                    switch lead {
                    case 0xE0 where continuation < 0xA0, 0xED where continuation > 0x9F, 0xF0 where continuation < 0x90,
                        0xF4 where continuation > 0x8F:
                        return nil
                    default: break
                    }
                }
                value = value << 6 | UInt32(continuation & 0x3F)
            }
            return value
        }

        /// The number of characters that text is not made of: controls, private use, box drawing, unassigned code points.
        private func junk(_ scalars: [UInt32]) -> Int {
            var count = 0
            for scalar in scalars where scalar >= 0x80 {
                let kind = kind(of: scalar)
                if kind == .junk || kind == .control { count += 1 }
            }
            return count
        }

        // MARK: - Plausibility

        /// What a character is, for `badness`.
        enum Kind: UInt8 {
            case space, noBreakSpace, lower, upper, letter, digit, punctuation, openingPunctuation, symbol,
                trailingSymbol,
                currency, mark, format, control, rareLetter, junk

            var isLetter: Bool { self == .lower || self == .upper || self == .letter || self == .rareLetter }
        }

        /// How implausible a token is between `before` and `after`: the sum of `pairBadness` over neighbours and of
        /// each character's own cost.
        func badness(_ token: [UInt32], before: UInt32, after: UInt32) -> Int {
            var total = 0
            var previous = before
            var previousKind = kind(of: before)
            var lastScript: Int?
            for scalar in token {
                if scalar < 0x80 && previous < 0x80 {
                    // ASCII after ASCII: only a capital after a small letter and controls cost.
                    if previous &- 0x61 < 26 && scalar &- 0x41 < 26 { total += 1 }
                    if scalar < 0x20 || scalar == 0x7F { total += 3 }
                    if (scalar | 0x20) &- 0x61 < 26 {
                        if let lastScript, lastScript != latin { total += 2 }
                        lastScript = latin
                    }
                    previous = scalar
                    previousKind = kinds[Int(scalar)]
                    continue
                }
                let scalarKind = kind(of: scalar)
                total += pairBadness(previous, previousKind, scalar, scalarKind) + characterBadness(scalarKind)
                previous = scalar
                previousKind = scalarKind
                // Letters of two scripts in one token, with or without punctuation between (`В«um`, `Д°ntihar`).
                if scalarKind.isLetter {
                    let script = scriptGroup(scalar)
                    if let lastScript, lastScript != script { total += 2 }
                    lastScript = script
                }
            }
            return total + pairBadness(previous, previousKind, after, kind(of: after))
        }

        @inline(__always)
        private func characterBadness(_ kind: Kind) -> Int {
            switch kind {
            case .control: return 3
            case .junk: return 2
            case .rareLetter: return 1
            default: return 0
            }
        }

        @inline(__always)
        private func pairBadness(_ a: UInt32, _ first: Kind, _ b: UInt32, _ second: Kind) -> Int {
            var cost = 0
            let firstIsLetter = first.isLetter, secondIsLetter = second.isLetter
            if firstIsLetter && secondIsLetter {
                if first == .lower && second == .upper && scriptGroup(a) == scriptGroup(b) { cost += b < 0x80 ? 1 : 2 }
                // A Latin-1 capital before a letter from beyond Latin-1 (`Åš`, `Åž`, `ÄŚ`): the languages that write one
                // hardly write the other.
                if (0xC0...0xDE).contains(a) && b >= 0x100 && scriptGroup(b) == latin { cost += 2 }
            } else if firstIsLetter {
                // A symbol or currency sign right after a letter; hardly ever after an accented one (`â€`, `Ô±`).
                switch second {
                case .symbol, .currency: cost += a < 0x80 ? 1 : 2
                case .openingPunctuation: cost += 2
                case .format where (0xC0...0xDE).contains(a): cost += 2  // `Å` + soft hyphen
                case .punctuation where (0xC0...0xDE).contains(a) && isWindows1252Punctuation(b): cost += 1  // `Ä…`
                default: break
                }
            } else if secondIsLetter {
                // A symbol right before a letter; before an accented one it is MacRoman's mojibake (`≈ü`, `√©`).
                switch first {
                case .symbol, .currency: cost += a >= 0x80 && b >= 0x80 ? 2 : 1
                case .trailingSymbol: cost += 2  // `°` `©` `®` `™` close, never open, a word
                case .punctuation where isWindows1252Punctuation(a) && second == .lower: cost += 1  // `…s`
                default: break
                }
            } else {
                if isSymbol(first) && isSymbol(second) { cost += a >= 0x80 && b >= 0x80 ? 2 : 1 }
                if first == .punctuation && a >= 0x80 && isSymbol(second) && b >= 0x80 { cost += 1 }  // `»‡`
                // An opening `¿` `¡` `‚` `„` right after other non-ASCII punctuation (`»¿`, the BOM's `ï»¿`).
                if second == .openingPunctuation && a >= 0x80 && (first == .punctuation || isSymbol(first)) {
                    cost += 2
                }
            }
            if second == .mark && !(firstIsLetter || first == .mark || first == .symbol || first == .trailingSymbol) {
                cost += 2
            }
            // What bytes C2 and C3 are in the code pages leads most mojibake (`Â£`, `Â `, `Ã©`, `Ă©`, `√©`, `├⌐`): rare
            // letters and symbols in correct text, and almost never before a symbol, a no-break space or a letter from
            // beyond Latin-1. Where they are common letters (Cyrillic В Г, Polish Ć) only a symbol after them counts.
            if isRareLead(a) {
                switch second {
                case .symbol, .currency, .trailingSymbol, .openingPunctuation, .control, .noBreakSpace, .format:
                    cost += 2
                case .punctuation where b >= 0x80: cost += 2  // `Â«`, `Ā«`
                case .lower, .upper, .letter, .rareLetter:
                    if a >= 0x100 && b >= 0x100 && scriptGroup(b) == latin { cost += 2 }  // `Ăľ`
                default: break
                }
            } else if a == 0x412 || a == 0x413 || a == 0x106 {
                switch second {
                case .symbol, .currency, .trailingSymbol, .control, .format: cost += 2
                default: break
                }
            }
            return cost
        }

        private func isSymbol(_ kind: Kind) -> Bool { kind == .symbol || kind == .currency || kind == .trailingSymbol }

        /// Bytes C2 and C3 in the code pages where they are rare in correct text — Â Ã Ă Ā ¬ √ ┬ ├ — and the leads of
        /// Cyrillic and Central European mojibake that are rare before symbols: Ð Ñ (Windows-1252), Ĺ (Windows-1250).
        /// (Where C2 and C3 are common letters — В Г in Windows-1251, Ć in Windows-1257 — only a symbol after them counts.)
        @inline(__always)
        private func isRareLead(_ scalar: UInt32) -> Bool {
            switch scalar {
            case 0xC2, 0xC3, 0x102, 0x100, 0xAC, 0x221A, 0x252C, 0x251C, 0xD0, 0xD1, 0x139: true
            default: false
            }
        }

        /// Windows-1252's punctuation at 0x80–0x9F: … – — ‹ › „ ‚ • † ‡ ‰.
        @inline(__always)
        private func isWindows1252Punctuation(_ scalar: UInt32) -> Bool {
            switch scalar {
            case 0x2026, 0x2013, 0x2014, 0x2039, 0x203A, 0x201E, 0x201A, 0x2022, 0x2020, 0x2021, 0x2030: true
            default: false
            }
        }

        /// Scripts that are written together in one word count as one (Han with kana or Hangul).
        @inline(__always)
        func scriptGroup(_ scalar: UInt32) -> Int {
            if scalar < 0x10000 { return Int(scriptGroups[Int(scalar)]) }
            let number = UnicodeScript.number(of: scalar)
            return eastAsian.contains(number) ? -1 : number
        }

        /// The kind of a code point (a table lookup in the Basic Multilingual Plane).
        @inline(__always)
        func kind(of scalar: UInt32) -> Kind { scalar < 0x10000 ? kinds[Int(scalar)] : Engine.classify(scalar) }

        static func classify(_ scalar: UInt32) -> Kind {
            switch scalar {
            case 0x20, 0x09, 0x0A, 0x0D, 0x2000...0x200A, 0x3000: return .space
            case 0xA0, 0x202F: return .noBreakSpace
            case 0x61...0x7A: return .lower
            case 0x41...0x5A: return .upper
            case 0x30...0x39: return .digit
            case 0x00...0x1F, 0x7F...0x9F: return .control
            case 0x21...0x7E: return .punctuation
            case 0xA1, 0xBF, 0x201A, 0x201E: return .openingPunctuation  // ¡ ¿ ‚ „
            case 0xA2...0xA5, 0x20A0...0x20CF: return .currency
            case 0xA9, 0xAE, 0xB0, 0x2122: return .trailingSymbol
            case 0xAB, 0xBB, 0x2010...0x2015, 0x2018...0x201F, 0x2026, 0x2039, 0x203A, 0x2030...0x205E:
                return .punctuation
            case 0xAD, 0x200B...0x200F, 0x2060...0x206F, 0xFEFF: return .format
            case 0xA6...0xBE, 0xD7, 0xF7, 0x192, 0x2C6, 0x2DC, 0x2016, 0x2017, 0x2020...0x2025, 0x2027...0x202E:
                return .symbol
            case 0xC0...0xDE: return .upper
            case 0xDF...0xFF: return .lower
            case 0x218...0x21B, 0x1A0, 0x1A1, 0x1AF, 0x1B0: return caseKind(scalar)  // ș ț, Vietnamese ơ ư
            case 0x180...0x2AF: return .rareLetter  // Latin Extended-B, IPA
            case 0x2B0...0x2FF: return .symbol  // spacing modifiers
            case 0x300...0x36F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE00...0xFE0F, 0xFE20...0xFE2F:
                return .mark
            case 0x460...0x48F: return .rareLetter  // historic Cyrillic
            case 0x2100...0x2BFF: return 0x2500...0x259F ~= scalar ? .junk : .symbol  // box drawing; arrows, maths
            case 0xE000...0xF8FF, 0xFFF0...0xFFFC, 0xFFFE, 0xFFFF: return .junk
            case 0xFFFD: return .symbol
            case 0x1F000...0x1FAFF: return .symbol
            default:
                guard let value = Unicode.Scalar(scalar) else { return .junk }
                switch value.properties.generalCategory {
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter: return caseKind(scalar)
                case .otherLetter, .modifierLetter: return .letter
                case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
                case .decimalNumber, .letterNumber, .otherNumber: return .digit
                case .mathSymbol, .otherSymbol, .modifierSymbol: return .symbol
                case .currencySymbol: return .currency
                case .spaceSeparator: return .space
                case .format: return .format
                case .control: return .control
                case .unassigned, .privateUse, .surrogate, .lineSeparator, .paragraphSeparator: return .junk
                default: return .punctuation
                }
            }
        }

        static func caseKind(_ scalar: UInt32) -> Kind {
            guard let value = Unicode.Scalar(scalar) else { return .junk }
            if value.properties.isUppercase { return .upper }
            if value.properties.isLowercase { return .lower }
            return .letter
        }
    }
}
