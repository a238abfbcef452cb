/// The statistics of one document that the `stats` stage reports and the `filter` stage tests.
///
/// Computed from the text's UTF-8 bytes: one pass over the code points (character classes, words), one over the
/// lines, one over the paragraphs, and one over the word hashes per n-gram size. Counts are kept here; the ratios
/// users see (`fields`) are derived from them. Definitions follow Gopher (Rae et al. 2021) as datatrove implements
/// it, and FineWeb's line rules; the README lists every field.
///
/// Words: a word is a run of letters, marks and digits, kept together across a joiner (`'` `’` `-` `‐` `.` `,` `_`)
/// that has a word character on both sides (`don't`, `e-mail`, `3.14`, `1,000`); every character of a script written
/// without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) is a word by itself. Punctuation, symbols and
/// emoji are not words. N-grams of words are compared by 64-bit hashes (FNV-1a of each word), so two different
/// n-grams could in principle collide (about one chance in 10¹⁹ per pair).
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
    var lineElements = 0, duplicateLines = 0, duplicateLineChars = 0, duplicateParagraphs = 0, duplicateParagraphChars = 0
    /// Characters in the most frequent 2-, 3- and 4-gram (words joined by spaces) times its count.
    var topNgramChars: [Int] = [0, 0, 0]
    /// Characters in repeated 5- … 10-grams, Gopher's `find_all_duplicate`.
    var duplicateNgramChars: [Int] = [0, 0, 0, 0, 0, 0]

    public init() {}

    /// Computes the statistics of `text`; `language` picks the stop-word list, `sentences` is the sentence count.
    /// `ngrams: false` skips the n-gram repetition measures (the costliest part), leaving them 0.
    public init(text: String, language: String?, sentences: Int?, ngrams: Bool = true) {
        var text = text
        self.init()
        self.sentences = sentences
        text.withUTF8 { bytes in
            let words = scan(bytes)
            self.words = words.count
            tokens = words.count + words.symbolTokens
            countWords(words, language: language)
            if ngrams { countNgrams(words) }
        }
    }

    // MARK: - The passes

    /// One pass over the code points: character classes, `#` signs, ellipses, lines, paragraphs, and the words
    /// (with their hashes, lengths and whether they hold a letter).
    private mutating func scan(_ text: UnsafeBufferPointer<UInt8>) -> WordList {
        bytes = text.count
        var lines = LineScanner(paragraphBounds: Self.strippedBounds(text))
        var words = WordList()
        words.reserveCapacity(text.count / 5)
        var dotsInARow = 0
        words.symbolTokens = WordSegmenter.scan(text, onScalar: { position, scalar, length, classes in
            chars += 1
            let bits = classes.rawValue
            letters &+= Int(bits & CharacterClasses.letter.rawValue)
            uppercase &+= Int((bits & CharacterClasses.uppercase.rawValue) >> 1)
            digits &+= Int((bits & CharacterClasses.digit.rawValue) >> 2)
            punctuation &+= Int((bits & CharacterClasses.punctuation.rawValue) >> 3)
            whitespace &+= Int((bits & CharacterClasses.whitespace.rawValue) >> 4)
            if scalar >= 0x80 { nonASCII += 1 }
            switch scalar {
            case 0x23: hashSigns += 1
            case 0x2026: ellipses += 1
            case 0x0A: newlines += 1
            case 0x2E:
                // "..." counted as Python's str.count does: runs of three, not overlapping.
                dotsInARow += 1
                if dotsInARow == 3 {
                    ellipses += 1
                    dotsInARow = 0
                }
            default: break
            }
            if scalar != 0x2E { dotsInARow = 0 }
            lines.add(text, position, scalar, length, classes, into: &self)
        }, onWord: { range, characters, hasLetter in
            var hash = WordList.seed, lower = WordList.seed
            var position = range.lowerBound
            while position < range.upperBound {
                let byte = text[position]
                if byte < 0x80 {
                    hash = WordList.mix(hash, byte)
                    lower = WordList.mix(lower, byte &- 0x41 < 26 ? byte | 0x20 : byte)
                    position += 1
                    continue
                }
                let (scalar, length) = UTF8Bytes.decode(text, at: position)
                for index in position..<position + length { hash = WordList.mix(hash, text[index]) }
                let lowercased = CharacterClasses.lowercase(scalar)
                if lowercased == scalar {
                    for index in position..<position + length { lower = WordList.mix(lower, text[index]) }
                } else {
                    lower = WordList.mix(lower, scalar: lowercased)
                }
                position += length
            }
            words.append(hash: hash, lower: lower, length: characters, hasLetter: hasLetter)
        })
        lines.finish(text, into: &self)
        return words
    }

    /// Where Python's `text.strip()` would start and end.
    static func strippedBounds(_ text: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var end = text.count
        while end > 0 {
            var start = end - 1
            while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }
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

    fileprivate mutating func addLineElement(hash: UInt64, chars: Int, seen: inout HashSet) {
        lineElements += 1
        if !seen.insert(hash) {
            duplicateLines += 1
            duplicateLineChars += chars
        }
    }

    private mutating func countWords(_ words: WordList, language: String?) {
        wordCharacters = words.lengths.reduce(0) { $0 + Int($1) }
        wordsWithLetter = words.hasLetter.reduce(0) { $0 + ($1 ? 1 : 0) }
        var distinct = HashSet(capacity: words.count)
        for hash in words.lowerHashes where distinct.insert(hash) { distinctWords += 1 }
        let stopList = language.flatMap { StopWordHashes.byLanguage[LanguageCode.normalized($0)] }
        if let stopList { stopWords = words.lowerHashes.reduce(0) { $0 + (stopList.contains($1) ? 1 : 0) } }
        // One pass over the words (not one per stop word): the distinct Gopher stop words present.
        var found = Set<UInt64>()
        for hash in words.hashes where StopWordHashes.gopher.contains(hash) { found.insert(hash) }
        gopherStopWords = found.count
    }

    /// Gopher's top 2-, 3- and 4-gram and duplicate 5- … 10-gram measures over the words as written.
    ///
    /// N-grams are hashed with a rolling polynomial over the word hashes (one multiply-add a position), and one
    /// table serves every n, cleared in between.
    private mutating func countNgrams(_ words: WordList) {
        let hashes = words.hashes, lengths = words.lengths
        guard hashes.count >= 2 else { return }
        var counter = HashCounter(capacity: hashes.count)
        var ngrams = [UInt64](repeating: 0, count: hashes.count)
        for n in 2...10 where hashes.count >= n {
            // A repeated n-gram contains a repeated (n−1)-gram: once no 5-gram or longer repeats, none longer does.
            if n > 5 && duplicateNgramChars[n - 6] == 0 { break }
            Self.rollingHashes(hashes, n, into: &ngrams)
            counter.removeAll()
            if n <= 4 {
                var best = 0, bestChars = 0
                // Counter.most_common(1): the highest count, the earliest n-gram among equals.
                var firstIndexOfBest = Int.max
                for start in 0...(hashes.count - n) {
                    let (count, first) = counter.add(ngrams[start], index: start)
                    if count > best || (count == best && first < firstIndexOfBest) {
                        best = count
                        firstIndexOfBest = first
                        bestChars = (first..<first + n).reduce(n - 1) { $0 + Int(lengths[$1]) }
                    }
                }
                topNgramChars[n - 2] = best * bestChars
            } else {
                var repeated = 0, index = 0
                while index <= hashes.count - n {
                    if counter.add(ngrams[index], index: index).count == 1 {
                        index += 1
                    } else {
                        repeated += (index..<index + n).reduce(0) { $0 + Int(lengths[$1]) }
                        index += n
                    }
                }
                duplicateNgramChars[n - 5] = repeated
            }
        }
    }

    /// The hash of every n-gram: Σ h[i+k]·B^(n−1−k) over 64 bits, rolled along, then mixed.
    private static func rollingHashes(_ hashes: [UInt64], _ n: Int, into result: inout [UInt64]) {
        let base: UInt64 = 0x100_0000_01B3
        var power: UInt64 = 1
        for _ in 1..<n { power = power &* base }
        var rolling: UInt64 = 0
        for index in 0..<n { rolling = rolling &* base &+ hashes[index] }
        result.withUnsafeMutableBufferPointer { result in
            hashes.withUnsafeBufferPointer { hashes in
                for start in 0...(hashes.count - n) {
                    result[start] = (rolling ^ (rolling >> 31)) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
                    if start + n < hashes.count { rolling = (rolling &- hashes[start] &* power) &* base &+ hashes[start + n] }
                }
            }
        }
    }

    // MARK: - Byte helpers

    static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
    }

    /// Sentence-ending marks of many scripts (datatrove's `TERMINAL_PUNCTUATION` covers these and rarer ones).
    static let terminalPunctuation: Set<UInt32> = Set("!.?…。！？．｡؟۔।॥።፧፨᙮‼⁇⁈⁉։܀܁܂߹჻၊။᠃᠉᥄᥅᪨᪩᪪᪫᭚᭛᭞᭟᰻᰼᱾᱿⳹⳾⸮⸼꓿꘎꘏꛳꛷꡶꡷꣎꣏꤯꧈꧉꩝꩞꩟꫰꫱꯫﹒﹖﹗".unicodeScalars.map(\.value))
}

/// Splits text into words: runs of letters, marks and digits, joined across `'` `’` `-` `‐` `.` `,` `_` when a word
/// character follows; each character of a script written without spaces is a word of its own.
public enum WordSegmenter {
    /// Calls `body` with each word's byte range, its length in code points and whether it holds a letter.
    /// Returns the number of symbol tokens: runs of one repeated character that is neither white space nor part of
    /// a word (`.`, `,`, `"`, `...`, `--`, `#`), which word tokenisers such as spaCy's also return as tokens.
    @discardableResult
    public static func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Int, Bool) -> Void) -> Int {
        scan(text, onScalar: { _, _, _, _ in }, onWord: body)
    }

    /// The segmentation with a look at every code point on the way (`TextStatistics` counts in the same pass):
    /// `onScalar(position, scalar, length, classes)` for each code point, `onWord` for each word as it ends.
    @inline(__always)
    static func scan(_ text: UnsafeBufferPointer<UInt8>, onScalar: (Int, UInt32, Int, CharacterClasses) -> Void,
                     onWord body: (Range<Int>, Int, Bool) -> Void) -> Int {
        let table = CharacterClasses.Table.shared
        var position = 0
        var start = -1, characters = 0, hasLetter = false
        var symbolTokens = 0, previousSymbol: UInt32 = 0
        while position < text.count {
            let byte = text[position]
            let (scalar, length) = byte < 0x80 ? (UInt32(byte), 1) : UTF8Bytes.decode(text, at: position)
            let classes = table.of(scalar)
            onScalar(position, scalar, length, classes)
            if classes.contains(.unspaced) {
                if start >= 0 { body(start..<position, characters, hasLetter) }
                body(position..<position + length, 1, true)
                start = -1
                previousSymbol = 0
            } else if classes.contains(.wordCharacter)
                        || (start >= 0 && classes.contains(.joiner) && followedByWordCharacter(text, position + length, table)) {
                if start < 0 {
                    start = position
                    characters = 0
                    hasLetter = false
                }
                characters += 1
                if classes.contains(.letter) { hasLetter = true }
                previousSymbol = 0
            } else {
                if start >= 0 {
                    body(start..<position, characters, hasLetter)
                    start = -1
                }
                if classes.contains(.whitespace) {
                    previousSymbol = 0
                } else {
                    if scalar != previousSymbol { symbolTokens += 1 }
                    previousSymbol = scalar
                }
            }
            position += length
        }
        if start >= 0 { body(start..<text.count, characters, hasLetter) }
        return symbolTokens
    }

    /// The number of words in a text.
    public static func count(_ text: String) -> Int {
        var text = text
        var count = 0
        text.withUTF8 { forEachWord(in: $0) { _, _, _ in count += 1 } }
        return count
    }

    private static func followedByWordCharacter(_ text: UnsafeBufferPointer<UInt8>, _ position: Int, _ table: CharacterClasses.Table) -> Bool {
        guard position < text.count else { return false }
        let classes = table.of(UTF8Bytes.decode(text, at: position).scalar)
        return classes.contains(.wordCharacter) && !classes.contains(.unspaced)
    }
}

/// Lines and paragraphs, followed code point by code point during `TextStatistics`' scan.
///
/// Lines are the text split at `\n`; for each: blank or not, first and last character, whether it ends (before
/// trailing space) with an ellipsis, its length and hash. Paragraphs are the stripped text split at runs of two or
/// more `\n` (Gopher); `re.split("\n+", text)`'s elements are the non-empty lines plus an empty first or last one.
struct LineScanner {
    let paragraphBounds: Range<Int>
    private var lineStart = 0, lineChars = 0, lineHash = WordList.seed, lineBlank = true
    private var firstNonSpace: UInt32 = 0, lastScalar: UInt32 = 0, dotRun = 0, endsWithEllipsis = false
    private var seenNonBlank = HashSet(capacity: 64), seenElements = HashSet(capacity: 64)
    private var paragraphHash = WordList.seed, paragraphChars = 0, pendingNewlines = 0, paragraphOpen = false
    private var seenParagraphs = HashSet(capacity: 16)

    init(paragraphBounds: Range<Int>) { self.paragraphBounds = paragraphBounds }

    @inline(__always)
    mutating func add(_ text: UnsafeBufferPointer<UInt8>, _ position: Int, _ scalar: UInt32, _ length: Int,
                      _ classes: CharacterClasses, into statistics: inout TextStatistics) {
        if scalar == 0x0A {
            if position == 0 { statistics.addLineElement(hash: WordList.seed, chars: 0, seen: &seenElements) }
            endLine(into: &statistics)
            lineStart = position + 1
        } else {
            lineChars += 1
            for index in position..<position + length { lineHash = WordList.mix(lineHash, text[index]) }
            if classes.contains(.whitespace) {
                dotRun = 0
            } else {
                lineBlank = false
                if firstNonSpace == 0 { firstNonSpace = scalar }
                dotRun = scalar == 0x2E ? dotRun + 1 : 0
                endsWithEllipsis = scalar == 0x2026 || dotRun >= 3
            }
            lastScalar = scalar
        }
        guard paragraphBounds.contains(position) else { return }
        if scalar == 0x0A {
            pendingNewlines += 1
            return
        }
        if pendingNewlines >= 2 {
            endParagraph(into: &statistics)
        } else if pendingNewlines == 1 {
            paragraphHash = WordList.mix(paragraphHash, 0x0A)
            paragraphChars += 1
        }
        pendingNewlines = 0
        paragraphOpen = true
        paragraphChars += 1
        for index in position..<position + length { paragraphHash = WordList.mix(paragraphHash, text[index]) }
    }

    mutating func finish(_ text: UnsafeBufferPointer<UInt8>, into statistics: inout TextStatistics) {
        if lineStart < text.count { endLine(into: &statistics) }
        if let last = text.last, last == 0x0A { statistics.addLineElement(hash: WordList.seed, chars: 0, seen: &seenElements) }
        if paragraphOpen { endParagraph(into: &statistics) }
    }

    private mutating func endLine(into statistics: inout TextStatistics) {
        statistics.lines += 1
        if !lineBlank {
            if firstNonSpace == 0x2022 || firstNonSpace == 0x2D { statistics.bulletLines += 1 }
            if endsWithEllipsis { statistics.ellipsisLines += 1 }
            statistics.nonBlankLines += 1
            if TextStatistics.terminalPunctuation.contains(lastScalar) { statistics.punctuatedLines += 1 }
            if lineChars <= 30 { statistics.shortLines += 1 }
            if !seenNonBlank.insert(lineHash) { statistics.duplicateNonBlankLineChars += lineChars }
        }
        if lineChars > 0 { statistics.addLineElement(hash: lineHash, chars: lineChars, seen: &seenElements) }
        (lineChars, lineHash, lineBlank, firstNonSpace, lastScalar, dotRun, endsWithEllipsis) = (0, WordList.seed, true, 0, 0, 0, false)
    }

    private mutating func endParagraph(into statistics: inout TextStatistics) {
        statistics.paragraphs += 1
        if !seenParagraphs.insert(paragraphHash) {
            statistics.duplicateParagraphs += 1
            statistics.duplicateParagraphChars += paragraphChars
        }
        paragraphHash = WordList.seed
        paragraphChars = 0
    }
}

/// The words of a text as the statistics need them: hash as written, hash in lower case, length, has a letter.
struct WordList {
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    var hashes: [UInt64] = []
    var lowerHashes: [UInt64] = []
    var lengths: [Int32] = []
    var hasLetter: [Bool] = []
    /// Runs of punctuation or symbols (see `WordSegmenter.forEachWord`).
    var symbolTokens = 0
    var count: Int { hashes.count }

    mutating func reserveCapacity(_ capacity: Int) {
        hashes.reserveCapacity(capacity)
        lowerHashes.reserveCapacity(capacity)
        lengths.reserveCapacity(capacity)
        hasLetter.reserveCapacity(capacity)
    }

    mutating func append(hash: UInt64, lower: UInt64, length: Int, hasLetter: Bool) {
        hashes.append(hash)
        lowerHashes.append(lower)
        lengths.append(Int32(length))
        self.hasLetter.append(hasLetter)
    }

    @inline(__always)
    static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }

    /// Mixes in a code point's UTF-8 bytes.
    static func mix(_ hash: UInt64, scalar: UInt32) -> UInt64 {
        var bytes: [UInt8] = []
        UTF8Bytes.append(scalar, to: &bytes)
        return bytes.reduce(hash, mix)
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { bytes.reduce(seed, mix) }
    static func hash(_ string: String) -> UInt64 { string.utf8.reduce(seed, mix) }
}

/// Stop-word lists as sets of lower-case word hashes, the form `TextStatistics` compares.
enum StopWordHashes {
    static let byLanguage: [String: Set<UInt64>] = StopWords.byLanguage.mapValues { Set($0.map(WordList.hash)) }
    static let gopher: Set<UInt64> = Set(StopWords.gopher.map(WordList.hash))
}

/// An open-addressing set of 64-bit hashes (0 stands for empty; a hash of 0 is stored as 1); grows at half full.
struct HashSet {
    private var slots: [UInt64]
    private var mask: Int
    private var count = 0

    init(capacity: Int) {
        let size = max(16, (capacity * 2).nextPowerOfTwo)
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Inserts; false when the hash was there already.
    @inline(__always)
    mutating func insert(_ hash: UInt64) -> Bool {
        let key = hash == 0 ? 1 : hash
        var slot = Int(truncatingIfNeeded: key >> 17) & mask
        while true {
            let stored = slots[slot]
            if stored == key { return false }
            if stored == 0 {
                slots[slot] = key
                count += 1
                if count * 2 > slots.count { grow() }
                return true
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for key in old where key != 0 {
            var slot = Int(truncatingIfNeeded: key >> 17) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = key
        }
    }
}

/// Counts hashes and remembers where each was first seen.
struct HashCounter {
    private var keys: [UInt64]
    private var counts: [Int32]
    private var firsts: [Int32]
    private var mask: Int

    init(capacity: Int) {
        let size = max(16, (capacity * 2).nextPowerOfTwo)
        keys = [UInt64](repeating: 0, count: size)
        counts = [Int32](repeating: 0, count: size)
        firsts = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    mutating func removeAll() {
        keys.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Adds one occurrence; returns the new count and the index of the first occurrence.
    @inline(__always)
    mutating func add(_ hash: UInt64, index: Int) -> (count: Int, first: Int) {
        let key = hash == 0 ? 1 : hash
        var slot = Int(truncatingIfNeeded: key >> 17) & mask
        while true {
            let stored = keys[slot]
            if stored == key {
                counts[slot] += 1
                return (Int(counts[slot]), Int(firsts[slot]))
            }
            if stored == 0 {
                keys[slot] = key
                counts[slot] = 1
                firsts[slot] = Int32(index)
                return (1, index)
            }
            slot = (slot + 1) & mask
        }
    }
}
