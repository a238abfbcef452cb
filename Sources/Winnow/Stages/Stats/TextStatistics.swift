import CProseScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The statistics of one document that the `stats` stage reports and the `filter` stage tests.
///
/// Computed from the text's UTF-8 bytes in passes: one over the code points (character classes, and the words, each
/// hashed and numbered in the document's vocabulary, `DocumentWords`; ASCII prose in C), one over the vocabulary (word
/// counts and lengths, stop words, distinct words), one over the lines and one over the paragraphs (both found with
/// `memchr`; a paragraph that is one line takes its hash), and one over the word numbers per n-gram size. Counts are kept here; the
/// ratios users see (`fields`) are derived from them. Definitions follow Gopher (Rae et al. 2021) as datatrove
/// implements it, and FineWeb's line rules; the README lists every field.
///
/// Words: a word is a run of letters, marks and digits, kept together across a joiner (`'` `’` `-` `‐` `.` `,` `_`)
/// that has a word character on both sides (`don't`, `e-mail`, `3.14`, `1,000`); every character of a script written
/// without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) is a word by itself. Punctuation, symbols and
/// emoji are not words. Words, lines, paragraphs and n-grams are compared by 64-bit hashes (`ByteHash`), so two
/// different ones could in principle collide (about one chance in 10¹⁹ per pair).
public struct TextStatistics: Sendable, Hashable {
    public var chars = 0
    public var bytes = 0
    public var words = 0
    /// Words and symbol tokens (runs of one punctuation or symbol character): the token count of a word tokeniser
    /// such as spaCy's, which Gopher's and FineWeb's ratios divide by in datatrove.
    public var tokens = 0
    /// Lines: the text split at `\n` (a final `\n` does not start another line); blank lines count.
    public var lines = 0
    /// Paragraphs: the stripped text split at runs of two or more `\n`; 0 for a blank text.
    public var paragraphs = 0
    /// The length of the `sentences` field, when the `sentences` stage ran.
    public var sentences: Int?

    var letters = 0, uppercase = 0, digits = 0, punctuation = 0, whitespace = 0, nonASCII = 0
    var wordCharacters = 0, wordsWithLetter = 0, distinctWords = 0
    /// Words in the language's stop-word list; nil when the language has none (or is unknown).
    var stopWords: Int?
    /// Distinct words among Gopher's eight English stop words (case kept, as datatrove compares).
    var gopherStopWords = 0
    var hashSigns = 0, ellipses = 0, bulletLines = 0, ellipsisLines = 0, newlines = 0
    /// FineWeb's line measures, over the lines that are not blank.
    var nonBlankLines = 0, punctuatedLines = 0, shortLines = 0, duplicateNonBlankLineChars = 0
    /// Gopher's line and paragraph repetition: elements of `re.split("\n+", text)` and of the paragraphs.
    var lineElements = 0, duplicateLines = 0, duplicateLineChars = 0, duplicateParagraphs = 0,
        duplicateParagraphChars = 0
    /// Characters in the most frequent 2-, 3- and 4-gram (words joined by spaces) times its count (lanes 0–2; SIMD
    /// vectors keep these counts inline, where arrays cost two allocations per document).
    var topNgramChars = SIMD4<Int>.zero
    /// Characters in repeated 5- … 10-grams, Gopher's `find_all_duplicate` (lanes 0–5).
    var duplicateNgramChars = SIMD8<Int>.zero

    public init() {}

    /// Computes the statistics of `text`; `language` picks the stop-word list, `sentences` is the sentence count.
    /// `ngrams: false` skips the n-gram repetition measures (the costliest part), leaving them 0.
    public init(text: String, language: String?, sentences: Int?, ngrams: Bool = true) {
        var text = text
        self.init()
        self.sentences = sentences
        let stopList = language.flatMap { StopWordHashes.byLanguage[LanguageCode.normalized($0)] }
        text.withUTF8 { utf8 in
            var wordScan = WordScan(text: utf8, keepSequence: ngrams)
            let counts = WordSegmenter.scan(utf8, &wordScan)
            wordScan.finish(into: &self, stopList: stopList)
            bytes = utf8.count
            (chars, nonASCII, hashSigns, ellipses) = (counts.chars, counts.nonASCII, counts.hashSigns, counts.ellipses)
            (letters, uppercase, digits, punctuation, whitespace) = (
                counts.letters, counts.uppercase, counts.digits, counts.punctuation, counts.whitespace
            )
            tokens = words + counts.symbolTokens
            let lines = countLines(utf8)
            countParagraphs(utf8, lines: lines)
            if ngrams { countNgrams(wordScan.words) }
        }
    }

    // MARK: - The passes

    /// The lines: FineWeb's and Gopher's line measures, and the elements of `re.split("\n+", text)` (the non-empty
    /// lines, plus an empty first or last one when the text starts or ends with `\n`). Returns the non-empty lines
    /// with their hashes, for the paragraphs that are one line.
    private mutating func countLines(_ text: UnsafeBufferPointer<UInt8>) -> RawArray<HashedRange> {
        var hashed = RawArray<HashedRange>(capacity: 16)
        guard let base = text.baseAddress, !text.isEmpty else { return hashed }
        var seenNonBlank = HashSet(capacity: 64), seenElements = HashSet(capacity: 64)
        if text[0] == 0x0A { addLineElement(hash: ByteHash.empty, chars: 0, seen: &seenElements) }
        var start = 0
        while start < text.count {
            let end =
                memchr(base + start, 0x0A, text.count - start).map {
                    UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base
                } ?? text.count
            if end < text.count { newlines += 1 }
            let line = start..<end
            // Code points counted only where they matter: a code point takes 1 to 4 bytes.
            func lineChars() -> Int { Self.scalarCount(text, line) }
            lines += 1
            let hash = line.isEmpty ? ByteHash.empty : ByteHash.of(text, line)
            if let firstNonSpace = Self.firstNonSpace(text, line) {
                if firstNonSpace == 0x2022 || firstNonSpace == 0x2D { bulletLines += 1 }
                if Self.endsWithEllipsis(text, line) { ellipsisLines += 1 }
                nonBlankLines += 1
                if Self.isTerminalPunctuation(Self.lastScalar(text, line)) { punctuatedLines += 1 }
                if line.count <= 30 || (line.count <= 120 && lineChars() <= 30) { shortLines += 1 }
                if !seenNonBlank.insert(hash) { duplicateNonBlankLineChars += lineChars() }
            }
            if !line.isEmpty {
                hashed.append(HashedRange(start: start, end: end, hash: hash))
                addLineElement(hash: hash, chars: lineChars(), seen: &seenElements)
            }
            start = end + 1
        }
        if text[text.count - 1] == 0x0A { addLineElement(hash: ByteHash.empty, chars: 0, seen: &seenElements) }
        return hashed
    }

    /// A range of the text with its `ByteHash`.
    struct HashedRange {
        var start: Int, end: Int
        var hash: UInt64
    }

    /// One element of `re.split("\n+", text)`; its code points are counted only when it repeats.
    private mutating func addLineElement(hash: UInt64, chars: @autoclosure () -> Int, seen: inout HashSet) {
        lineElements += 1
        if !seen.insert(hash) {
            duplicateLines += 1
            duplicateLineChars += chars()
        }
    }

    /// The paragraphs: the stripped text split at runs of two or more `\n` (Gopher). A paragraph that is one of the
    /// `lines` takes its hash.
    private mutating func countParagraphs(_ text: UnsafeBufferPointer<UInt8>, lines: borrowing RawArray<HashedRange>) {
        let bounds = Self.strippedBounds(text)
        guard let base = text.baseAddress, !bounds.isEmpty else { return }
        var seen = HashSet(capacity: 16)
        var line = 0
        func add(_ paragraph: Range<Int>) {
            paragraphs += 1
            while line < lines.count && lines[line].start < paragraph.lowerBound { line += 1 }
            let isOneLine =
                line < lines.count && lines[line].start == paragraph.lowerBound
                && lines[line].end == paragraph.upperBound
            if !seen.insert(isOneLine ? lines[line].hash : ByteHash.of(text, paragraph)) {
                duplicateParagraphs += 1
                duplicateParagraphChars += Self.scalarCount(text, paragraph)
            }
        }
        var start = bounds.lowerBound, position = start
        while position < bounds.upperBound,
            let found = memchr(base + position, 0x0A, bounds.upperBound - position)
        {
            let newline = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            var end = newline + 1
            while end < bounds.upperBound && text[end] == 0x0A { end += 1 }
            if end - newline >= 2 {
                add(start..<newline)
                start = end
            }
            position = end
        }
        add(start..<bounds.upperBound)
    }

    /// Gopher's top 2-, 3- and 4-gram and duplicate 5- … 10-gram measures over the words as written.
    ///
    /// An n-gram can occur twice only where the (n − 1)-gram it starts with does, so each n is counted only at the
    /// positions whose (n − 1)-gram repeats (`candidates`): for 2-grams, the positions of two words that each occur
    /// more than once; a few for longer ones. Counts at those positions are exact, and when nothing repeats the most
    /// common n-gram is the first. The duplicate 5- … 10-gram walk (Gopher's `find_all_duplicate`, which skips past
    /// each repeat) looks up only positions whose 5-gram repeats; every other n-gram is unique in the text. Each
    /// candidate keeps the hash of its n-gram, which one more word extends to the (n + 1)-gram's.
    private mutating func countNgrams(_ words: borrowing DocumentWords) {
        let wordCount = words.sequence.count
        guard wordCount >= 2 else { return }
        func chars(_ start: Int, _ n: Int) -> Int {
            var total = n - 1
            for index in start..<start + n { total += Int(words.spellings[Int(words.sequence[index])].length) }
            return total
        }
        @inline(__always) func extended(_ hash: UInt64, by word: Int32) -> UInt64 {
            Mixer.combine(hash, UInt64(UInt32(bitPattern: word)))
        }
        let sequence = words.sequence.storage
        // The positions of two words that each occur more than once, kept without branches (whether a word repeats is
        // unpredictable): each position is written at `kept`, which moves on only for a candidate.
        var candidates = RawArray<Int32>(uninitializedCount: wordCount)
        @inline(__always) func repeats(_ index: Int) -> Int { words.spellings[Int(sequence[index])].count > 1 ? 1 : 0 }
        var previousRepeats = repeats(0), kept = 0
        for start in 0..<wordCount - 1 {
            let nextRepeats = repeats(start &+ 1)
            candidates[kept] = Int32(truncatingIfNeeded: start)
            kept &+= previousRepeats & nextRepeats
            previousRepeats = nextRepeats
        }
        // The last n at which each position's n-gram repeated (0: never).
        var repeatedAt = RawArray<UInt8>(repeating: 0, count: wordCount)
        countBigrams(
            candidates: candidates, kept, sequence: sequence, spellingCount: words.spellingCount, into: &repeatedAt,
            chars: chars)
        // The positions whose 2-gram repeats, in text order, with the hash of their 2-gram.
        var remaining = 0
        for candidate in 0..<kept {
            let start = Int(candidates[candidate])
            candidates[remaining] = Int32(truncatingIfNeeded: start)
            remaining &+= repeatedAt[start] == 2 ? 1 : 0
        }
        candidates.truncate(to: remaining)
        var hashes = RawArray<UInt64>(uninitializedCount: remaining)
        for candidate in 0..<remaining {
            let start = Int(candidates[candidate])
            hashes[candidate] = extended(extended(0, by: sequence[start]), by: sequence[start &+ 1])
        }
        for n in 3...5 where wordCount >= n {
            var counter = HashCounter(capacity: candidates.count)
            // Counter.most_common(1): the highest count, the earliest n-gram among equals.
            var best = 1, firstOfBest = 0
            for candidate in 0..<candidates.count {
                let start = Int(candidates[candidate])
                guard start <= wordCount &- n else { continue }
                let hash = extended(hashes[candidate], by: sequence[start &+ n &- 1])
                hashes[candidate] = hash
                let (count, first) = counter.add(hash, index: start)
                guard count > 1 else { continue }
                repeatedAt[start] = UInt8(n)
                repeatedAt[first] = UInt8(n)
                if count > best || (count == best && first < firstOfBest) { (best, firstOfBest) = (count, first) }
            }
            if n <= 4 { topNgramChars[n - 2] = best * chars(firstOfBest, n) }
            kept = 0
            for candidate in 0..<candidates.count {
                candidates[kept] = candidates[candidate]
                hashes[kept] = hashes[candidate]
                kept &+= repeatedAt[Int(candidates[candidate])] == n ? 1 : 0
            }
            candidates.truncate(to: kept)
            hashes.truncate(to: kept)
        }
        for n in 5...10 where wordCount >= n {
            // A repeated n-gram contains a repeated (n−1)-gram: once no 5-gram or longer repeats, none longer does.
            if n > 5 && duplicateNgramChars[n - 6] == 0 { break }
            // Gopher's walk moves on by one word, or past a repeat; only the positions whose 5-gram repeats (the
            // remaining candidates, in text order) can be repeats, so it jumps between those.
            var seen = HashSet(capacity: 16)
            var repeated = 0, index = 0
            for candidate in 0..<candidates.count {
                let start = Int(candidates[candidate])
                guard start <= wordCount &- n else { break }
                if n > 5 { hashes[candidate] = extended(hashes[candidate], by: sequence[start &+ n &- 1]) }
                guard start >= index else { continue }
                if seen.insert(hashes[candidate]) {
                    index = start + 1
                } else {
                    repeated += chars(start, n) - (n - 1)
                    index = start + n
                }
            }
            duplicateNgramChars[n - 5] = repeated
        }
    }

    /// The top 2-gram measure, and `repeatedAt` = 2 at each position whose 2-gram repeats, over the first `count`
    /// `candidates` (positions, in text order) — exactly and without hashing, as 2-grams are most of the n-gram work
    /// (three positions in four of a news article are candidates): the candidates are grouped by their first word
    /// with a stable counting sort on spelling numbers, so each group is in text order; within a group, each second
    /// word's count and first position are kept in arrays indexed by its spelling number and marked with the group's
    /// first word (no clearing between groups).
    private mutating func countBigrams(
        candidates: borrowing RawArray<Int32>, _ count: Int, sequence: UnsafeMutablePointer<Int32>,
        spellingCount: Int, into repeatedAt: inout RawArray<UInt8>, chars: (Int, Int) -> Int
    ) {
        var groupStarts = RawArray<Int32>(repeating: 0, count: spellingCount)
        for candidate in 0..<count { groupStarts[Int(sequence[Int(candidates[candidate])])] &+= 1 }
        var total: Int32 = 0
        for word in 0..<spellingCount {
            let size = groupStarts[word]
            groupStarts[word] = total
            total &+= size
        }
        var grouped = RawArray<Int32>(uninitializedCount: count)
        for candidate in 0..<count {
            let start = candidates[candidate], first = Int(sequence[Int(start)])
            grouped[Int(groupStarts[first])] = start
            groupStarts[first] &+= 1
        }
        var markedBy = RawArray<Int32>(repeating: -1, count: spellingCount)
        var firstAt = RawArray<Int32>(uninitializedCount: spellingCount),
            seen = RawArray<Int32>(uninitializedCount: spellingCount)
        // Counter.most_common(1): the highest count, the earliest 2-gram among equals.
        var best = 1, firstOfBest = 0
        for index in 0..<count {
            let start = Int(grouped[index])
            let first = sequence[start], second = Int(sequence[start &+ 1])
            if markedBy[second] != first {
                markedBy[second] = first
                firstAt[second] = Int32(truncatingIfNeeded: start)
                seen[second] = 1
                continue
            }
            seen[second] &+= 1
            let times = Int(seen[second]), earliest = Int(firstAt[second])
            repeatedAt[start] = 2
            repeatedAt[earliest] = 2
            if times > best || (times == best && earliest < firstOfBest) { (best, firstOfBest) = (times, earliest) }
        }
        topNgramChars[0] = best * chars(firstOfBest, 2)
    }

    // MARK: - Byte helpers

    /// Where Python's `text.strip()` would start and end.
    static func strippedBounds(_ text: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var end = text.count
        while end > 0 {
            let start = lastScalarStart(text, before: end)
            guard CharacterClasses.isPythonSpace(UTF8Bytes.decode(text, at: start).scalar) else { break }
            end = start
        }
        var start = 0
        while start < end {
            let (scalar, length) = UTF8Bytes.decode(text, at: start)
            guard CharacterClasses.isPythonSpace(scalar) else { break }
            start += length
        }
        return start..<end
    }

    /// The first code point of `range` that is not white space, or nil for a blank range.
    private static func firstNonSpace(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt32? {
        var position = range.lowerBound
        while position < range.upperBound {
            let (scalar, length) = UTF8Bytes.decode(text, at: position)
            if !CharacterClasses.isPythonSpace(scalar) { return scalar }
            position += length
        }
        return nil
    }

    /// The last code point of a non-empty `range`.
    private static func lastScalar(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt32 {
        UTF8Bytes.decode(text, at: lastScalarStart(text, before: range.upperBound)).scalar
    }

    /// Whether `range` with trailing white space removed ends with `…` or `...`.
    private static func endsWithEllipsis(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var end = range.upperBound
        while end > range.lowerBound {
            let start = lastScalarStart(text, before: end)
            let scalar = UTF8Bytes.decode(text, at: start).scalar
            if scalar == 0x2026 { return true }
            if !CharacterClasses.isPythonSpace(scalar) { break }
            end = start
        }
        return end - range.lowerBound >= 3 && text[end - 1] == 0x2E && text[end - 2] == 0x2E && text[end - 3] == 0x2E
    }

    /// Where the code point that ends just before `end` starts.
    private static func lastScalarStart(_ text: UnsafeBufferPointer<UInt8>, before end: Int) -> Int {
        var start = end - 1
        while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }
        return start
    }

    static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int { scalarCount(bytes, 0..<bytes.count) }

    /// The code points in `range`: its bytes less the continuation bytes (`10xxxxxx`).
    static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        range.count - countBytes(bytes, range, from: 0x80, count: 64)
    }

    /// The bytes of `range` in `low ..< low + count` (`count` ≤ 128), 16 at a time in vector lanes that are emptied
    /// before one can overflow: a byte is in the range when t = byte − low (wrapping) is below `count`, that is when
    /// neither t nor t + (128 − count) has its high bit set.
    static func countBytes(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, from low: UInt8, count: UInt8
    ) -> Int {
        var found = 0, position = range.lowerBound
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let lowLanes = SIMD16<UInt8>(repeating: low), complementLanes = SIMD16<UInt8>(repeating: 128 &- count)
            let one = SIMD16<UInt8>(repeating: 1)
            var lanes = SIMD16<UInt8>.zero, inLanes = 0
            while position &+ 16 <= range.upperBound {
                let t = raw.loadUnaligned(fromByteOffset: position, as: SIMD16<UInt8>.self) &- lowLanes
                lanes &+= ~((t | (t &+ complementLanes)) &>> 7) & one
                position &+= 16
                inLanes &+= 1
                if inLanes == 255 {
                    found &+= Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
                    (lanes, inLanes) = (.zero, 0)
                }
            }
            found &+= Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        while position < range.upperBound {
            if bytes[position] &- low < count { found &+= 1 }
            position &+= 1
        }
        return found
    }

    @inline(__always)
    private static func isTerminalPunctuation(_ scalar: UInt32) -> Bool {
        scalar < 0x80 ? scalar == 0x21 || scalar == 0x2E || scalar == 0x3F : terminalPunctuation.contains(scalar)
    }

    /// Sentence-ending marks of many scripts (datatrove's `TERMINAL_PUNCTUATION` covers these and rarer ones).
    static let terminalPunctuation: Set<UInt32> = Set(
        "!.?…。！？．｡؟۔।॥።፧፨᙮‼⁇⁈⁉։܀܁܂߹჻၊။᠃᠉᥄᥅᪨᪩᪪᪫᭚᭛᭞᭟᰻᰼᱾᱿⳹⳾⸮⸼꓿꘎꘏꛳꛷꡶꡷꣎꣏꤯꧈꧉꩝꩞꩟꫰꫱꯫﹒﹖﹗".unicodeScalars.map(\.value))
}

/// What the statistics gather per word in the segmentation pass: the document's words (`DocumentWords`). How many
/// words, how long, how many hold a letter, distinct words and stop words are all counted per spelling at the end
/// (`finish`).
private struct WordScan: WordVisitor, ~Copyable {
    let text: UnsafeBufferPointer<UInt8>
    var words: DocumentWords

    init(text: UnsafeBufferPointer<UInt8>, keepSequence: Bool) {
        self.text = text
        words = DocumentWords(textBytes: text.count, keepSequence: keepSequence)
    }

    @inline(__always)
    mutating func visitWord(_ range: Range<Int>, characters: Int, hasLetter: Bool, hash: UInt64?) {
        words.add(text, range, hash: hash, characters: characters, hasLetter: hasLetter)
    }

    @inline(__always)
    mutating func takeProse(from start: Int, room: Int, ascii: UnsafePointer<UInt64>) -> WinnowProseRun? {
        words.takeProse(text, from: start, room: room, ascii: ascii)
    }

    /// Word counts, distinct words ignoring case, stop words of `stopList` (lower-case hashes) and Gopher's stop words.
    func finish(into statistics: inout TextStatistics, stopList: PerfectHashSet?) {
        statistics.words = words.wordCount
        let gopherStopWords = StopWordHashes.gopher
        // Spellings are distinct, so the distinct Gopher stop words are the spellings that are one.
        var stopWords = 0, gopherStopWordsFound = 0, wordCharacters = 0, wordsWithLetter = 0
        for number in 0..<words.spellingCount {
            let spelling = words.spellings[number]
            let count = Int(spelling.count)
            wordCharacters &+= count &* Int(spelling.length)
            if spelling.hasLetter { wordsWithLetter &+= count }
            // Both look-ups without a branch: whether a spelling is a stop word is unpredictable.
            if let stopList { stopWords &+= stopList.contains(spelling.lowerCaseHash) ? count : 0 }
            gopherStopWordsFound &+= gopherStopWords.contains(spelling.hash) ? 1 : 0
        }
        statistics.wordCharacters = wordCharacters
        statistics.wordsWithLetter = wordsWithLetter
        statistics.distinctWords = words.distinctLowerCaseCount
        statistics.stopWords = stopList == nil ? nil : stopWords
        statistics.gopherStopWords = gopherStopWordsFound
    }
}
