import CProseScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives the words `WordSegmenter.scan` finds, as each ends.
protocol WordVisitor: ~Copyable {
    /// `hash`: the word's `ByteHash` when the scan computed it (a word that is one run of ASCII letters and digits).
    mutating func visitWord(_ range: Range<Int>, characters: Int, hasLetter: Bool, hash: UInt64?)
    /// Takes the prose at `start` with `winnow_prose_run` (at most about `room` characters), or returns nil (a visitor
    /// that keeps no vocabulary).
    mutating func takeProse(from start: Int, room: Int, ascii: UnsafePointer<UInt64>) -> WinnowProseRun?
}

/// Splits text into words: runs of letters, marks and digits, joined across `'` `’` `-` `‐` `.` `,` `_` when a word
/// character follows; each character of a script written without spaces is a word of its own.
public enum WordSegmenter {
    /// What `scan` counts on the way besides the words.
    struct Counts {
        /// Runs of one repeated character that is neither white space nor part of a word (`.`, `,`, `"`, `...`,
        /// `--`, `#`): word tokenisers such as spaCy's also return them as tokens.
        var symbolTokens = 0
        var chars = 0, nonASCII = 0, hashSigns = 0
        /// `…` and `...` (counted as Python's `str.count` does: runs of three, not overlapping).
        var ellipses = 0
        var letters = 0, uppercase = 0, digits = 0, punctuation = 0, whitespace = 0

        /// Adds five 12-bit counters packed in one word (letter, upper case, digit, punctuation, white space):
        /// counting a code point costs one table load and one addition.
        mutating func add(packed: UInt64) {
            let lane: UInt64 = 0xFFF
            letters += Int(packed & lane)
            uppercase += Int((packed >> 12) & lane)
            digits += Int((packed >> 24) & lane)
            punctuation += Int((packed >> 36) & lane)
            whitespace += Int((packed >> 48) & lane)
        }
    }

    /// Walks the code points of `text`, telling `visitor` about each word (its byte range, its length in code points,
    /// whether it holds a letter), and counts code points by class on the way.
    @inline(__always)
    static func scan<Visitor: WordVisitor & ~Copyable>(
        _ text: UnsafeBufferPointer<UInt8>, _ visitor: inout Visitor
    ) -> Counts {
        let table = CharacterClasses.Table.shared
        // Plain pointers rather than `withUnsafeBufferPointer` closures, which kept this loop's counters in memory.
        let lookup = CharacterClasses.lookup
        let basicPlane = lookup.basicPlane, ascii = lookup.asciiPackedIncrements, increments = lookup.packedIncrements
        var counts = Counts()
        var position = 0
        var start = -1, characters = 0, hasLetter = false
        // The word so far is one ASCII run, whose hash is `runHash`.
        var singleASCIIRun = false, runHash: UInt64 = 0
        @inline(__always) func asciiWord() -> UInt64? { singleASCIIRun ? runHash : nil }
        var previousSymbol: UInt32 = 0, dotsInARow = 0
        // Packed class counters, emptied into `counts` before a 12-bit lane can overflow.
        var packed: UInt64 = 0, inLanes = 0
        while position < text.count {
            if inLanes >= 3000 {
                counts.add(packed: packed)
                (packed, inLanes) = (0, 0)
            }
            let byte = text[position]
            let entry = ascii[Int(byte)]
            // Fastest path, ASCII prose, taken by the visitor in C (`winnow_prose_run`); what it leaves after a word or
            // white space, no symbol run nor dot run is open.
            if entry & CharacterClasses.asciiWordFlag != 0 && start < 0,
                let run = visitor.takeProse(from: position, room: 3000 &- inLanes, ascii: ascii.baseAddress!),
                run.end != position
            {
                packed &+= run.packed
                inLanes &+= run.chars
                counts.chars &+= run.chars
                counts.symbolTokens &+= run.symbolTokens
                counts.hashSigns &+= run.hashSigns
                position = run.end
                previousSymbol = 0
                dotsInARow = 0
                continue
            }
            // Fast path: a run of ASCII word characters (at most 1,024: the lanes must not overflow), consumed in a
            // tight loop, and counted in the letter lane (its digits and capitals are counted for the whole text at the
            // end).
            if entry & CharacterClasses.asciiWordFlag != 0 {
                let run = asciiWordRun(text, from: position)
                let end = run.end
                let length = end &- position
                packed &+= UInt64(length)
                inLanes &+= length
                counts.chars &+= length
                previousSymbol = 0
                dotsInARow = 0
                // The commonest case, a whole word at once: no word is open, and the run ends the text or is followed by
                // an ASCII byte that neither continues it nor may join it to more (white space, most punctuation).
                if start < 0
                    && (end == text.count
                        || (text[end] < 0x80 && ascii[Int(text[end])] & CharacterClasses.asciiWordContinues == 0))
                {
                    visitor.visitWord(position..<end, characters: length, hasLetter: run.hasLetter, hash: run.hash)
                    position = end
                    // And the space that most often follows, without another turn of the loop (the lanes have room:
                    // at most 3,000 + 1,024 + 1 counts are in them).
                    if position < text.count && text[position] == 0x20 {
                        packed &+= CharacterClasses.packedWhitespace
                        inLanes &+= 1
                        counts.chars &+= 1
                        position &+= 1
                    }
                    continue
                }
                if start < 0 {
                    start = position
                    characters = 0
                    hasLetter = false
                    (singleASCIIRun, runHash) = (true, run.hash)
                } else {
                    singleASCIIRun = false
                }
                characters &+= length
                if run.hasLetter { hasLetter = true }
                position = end
                continue
            }
            // Fast path: ASCII white space ends a word.
            if entry & CharacterClasses.packedWhitespace != 0 {
                packed &+= entry
                inLanes += 1
                counts.chars += 1
                if start >= 0 {
                    visitor.visitWord(start..<position, characters: characters, hasLetter: hasLetter, hash: asciiWord())
                    start = -1
                }
                previousSymbol = 0
                dotsInARow = 0
                position &+= 1
                continue
            }
            let (scalar, length) = byte < 0x80 ? (UInt32(byte), 1) : UTF8Bytes.decode(text, at: position)
            let classes = scalar < 0x10000 ? basicPlane[Int(scalar)] : table.of(scalar)
            packed &+= increments[Int(classes.rawValue & 0x1F)]
            inLanes += 1
            counts.chars += 1
            if scalar >= 0x80 {
                counts.nonASCII += 1
                if scalar == 0x2026 { counts.ellipses += 1 }
            } else if scalar == 0x23 {
                counts.hashSigns += 1
            }
            if scalar == 0x2E {
                dotsInARow += 1
                if dotsInARow == 3 {
                    counts.ellipses += 1
                    dotsInARow = 0
                }
            } else {
                dotsInARow = 0
            }
            if classes.contains(.unspaced) {
                if start >= 0 {
                    visitor.visitWord(start..<position, characters: characters, hasLetter: hasLetter, hash: asciiWord())
                }
                visitor.visitWord(position..<position + length, characters: 1, hasLetter: true, hash: nil)
                start = -1
                previousSymbol = 0
            } else if classes.contains(.wordCharacter)
                || (start >= 0 && classes.contains(.joiner) && followedByWordCharacter(text, position + length, table))
            {
                if start < 0 {
                    start = position
                    characters = 0
                    hasLetter = false
                }
                singleASCIIRun = false
                characters += 1
                if classes.contains(.letter) { hasLetter = true }
                previousSymbol = 0
            } else {
                if start >= 0 {
                    visitor.visitWord(start..<position, characters: characters, hasLetter: hasLetter, hash: asciiWord())
                    start = -1
                }
                if classes.contains(.whitespace) {
                    previousSymbol = 0
                } else {
                    if scalar != previousSymbol { counts.symbolTokens += 1 }
                    previousSymbol = scalar
                }
            }
            position += length
        }
        if start >= 0 {
            visitor.visitWord(start..<text.count, characters: characters, hasLetter: hasLetter, hash: asciiWord())
        }
        counts.add(packed: packed)
        // Every ASCII letter and digit is in an ASCII run, counted above as a letter.
        let asciiCapitals = TextStatistics.countBytes(text, 0..<text.count, from: 0x41, count: 26)
        let asciiDigits = TextStatistics.countBytes(text, 0..<text.count, from: 0x30, count: 10)
        counts.letters -= asciiDigits
        counts.digits += asciiDigits
        counts.uppercase += asciiCapitals
        return counts
    }

    /// Where the run of ASCII word characters (`A-Z a-z 0-9`) starting at `start` ends (at most 1,024 bytes on: the
    /// packed lanes must not overflow), whether it has a letter, and the run's `ByteHash` (the hash of the word when
    /// the word is this run: the chunks loaded here are the ones `ByteHash.of` would load, so the word is not read
    /// again).
    ///
    /// Eight bytes at a time (`SWAR.inRange`): a byte at a time this loop was ≈ 15% of the stage, mostly the
    /// unpredictable exit branch per byte. How many digits and capitals there are is counted for the whole text at
    /// once (`TextStatistics.countBytes`), not per run.
    @inline(__always)
    private static func asciiWordRun(
        _ text: UnsafeBufferPointer<UInt8>, from start: Int
    ) -> (end: Int, hasLetter: Bool, hash: UInt64) {
        let limit = min(text.count, start &+ 1024)
        let raw = UnsafeRawPointer(text.baseAddress!)
        var end = start, letters: UInt64 = 0
        var hash = ByteHash.seed
        while end &+ 8 <= limit {
            let bytes = SWAR.load(raw, end)
            let letter = SWAR.inRange(bytes | 0x2020_2020_2020_2020, 0x61, 0x7A)
            let stops = ~(letter | SWAR.inRange(bytes, 0x30, 0x39)) & SWAR.highBits
            let run = stops == 0 ? 8 : stops.trailingZeroBitCount &>> 3
            let inRun: UInt64 = run == 8 ? .max : (1 &<< UInt64(8 &* run)) &- 1
            letters |= letter & inRun
            if run > 0 { hash = Mixer.combine(hash, bytes & inRun) }
            end &+= run
            if run < 8 { return (end, letters != 0, ByteHash.finish(hash, count: end &- start)) }
        }
        var chunk: UInt64 = 0, inChunk = 0, hasLetter = false
        while end < limit {
            let byte = text[end]
            let isLetter = (byte | 0x20) &- 0x61 < 26
            guard isLetter || byte &- 0x30 < 10 else { break }
            if isLetter { hasLetter = true }
            chunk |= UInt64(byte) &<< UInt64(8 &* inChunk)
            inChunk &+= 1
            end &+= 1
        }
        if inChunk > 0 { hash = Mixer.combine(hash, chunk) }
        return (end, hasLetter || letters != 0, ByteHash.finish(hash, count: end &- start))
    }

    /// The number of words in a text.
    public static func count(_ text: String) -> Int {
        struct Counter: WordVisitor {
            var count = 0
            mutating func visitWord(_ range: Range<Int>, characters: Int, hasLetter: Bool, hash: UInt64?) { count += 1 }
            mutating func takeProse(from start: Int, room: Int, ascii: UnsafePointer<UInt64>) -> WinnowProseRun? { nil }
        }
        var text = text
        var counter = Counter()
        text.withUTF8 { _ = scan($0, &counter) }
        return counter.count
    }

    private static func followedByWordCharacter(
        _ text: UnsafeBufferPointer<UInt8>, _ position: Int, _ table: CharacterClasses.Table
    ) -> Bool {
        guard position < text.count else { return false }
        let classes = table.of(UTF8Bytes.decode(text, at: position).scalar)
        return classes.contains(.wordCharacter) && !classes.contains(.unspaced)
    }
}
