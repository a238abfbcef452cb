/// The text `dedup` compares: datatrove's `simplify_text` (the normalisation its MinHash uses), done in one pass over
/// the UTF-8 bytes.
///
/// In order, each step switchable (`Options`; all on by default, as datatrove): lower case; every number (`\p{Nd}+`,
/// optionally one `.` `,` `،` `٫` `⎖` `⎗` `⎘` and more digits) becomes `0`; datatrove's punctuation
/// (`Generated/DedupTables.generated.swift`, generated from its `PUNCTUATION_SET`) becomes a space; each letter loses its combining marks
/// (NFD, category Mn removed: `é` → `e`). White space always becomes one space. The result is words separated by
/// single spaces, without leading or trailing space.
///
/// For text mostly in a script written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) the words are the
/// characters themselves: the normalised text is kept without spaces and each character is a "word", so shingles
/// become runs of `ngram` characters.
public struct DedupNormalizer: Sendable {
    /// Which of datatrove's steps run (white space is always collapsed).
    public struct Options: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let lowercase = Options(rawValue: 1)
        public static let numbers = Options(rawValue: 2)
        public static let punctuation = Options(rawValue: 4)
        public static let stripDiacritics = Options(rawValue: 8)
        /// datatrove's `simplify_text` defaults: all four.
        public static let datatrove: Options = [.lowercase, .numbers, .punctuation, .stripDiacritics]
    }

    public let options: Options
    /// What a code point becomes, for the Basic Multilingual Plane: a code point, or one of the markers below.
    private let basicPlane: [UInt32]

    private static let space: UInt32 = 0xFFFF_FFFF, removed: UInt32 = 0xFFFF_FFFE, digit: UInt32 = 0xFFFF_FFFD

    /// The default normaliser (datatrove's), built once.
    public static let datatrove = DedupNormalizer(options: .datatrove)

    /// A normaliser; building one computes a 256 KB table (≈ 10 ms), so stages build theirs once.
    public init(options: Options) {
        self.options = options
        basicPlane = (0..<0x10000).map { Self.compute(UInt32($0), options) }
    }

    private static let punctuationSet = Set(punctuation)
    private static let foldMap = Dictionary(folds, uniquingKeysWith: { first, _ in first })

    private static func compute(_ scalar: UInt32, _ options: Options) -> UInt32 {
        if CharacterClasses.isPythonSpace(scalar) || (options.contains(.punctuation) && punctuationSet.contains(scalar))
        {
            return space
        }
        let classes = CharacterClasses.Table.shared.of(scalar)
        if options.contains(.numbers) && classes.contains(.digit) { return digit }
        if options.contains(.stripDiacritics), let folded = foldMap[scalar] {
            guard folded != 0 else { return removed }
            // The table folds case too; without `lowercase` an upper-case letter keeps its case.
            if !options.contains(.lowercase) && classes.contains(.uppercase),
                let upper = Unicode.Scalar(folded)?.properties.uppercaseMapping.unicodeScalars, upper.count == 1
            {
                return upper.first!.value
            }
            return folded
        }
        return options.contains(.lowercase) ? CharacterClasses.lowercase(scalar) : scalar
    }

    @inline(__always)
    private func map(_ scalar: UInt32) -> UInt32 {
        scalar < 0x10000 ? basicPlane[Int(scalar)] : Self.compute(scalar, options)
    }

    /// Whether a number may continue past this separator (`3.5`, `1,000`).
    private static func isDecimalSeparator(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x2E, 0x2C, 0x60C, 0x66B, 0x2396, 0x2397, 0x2398: true
        default: false
        }
    }

    /// The normalised words of `text`: the normalised UTF-8 bytes and each word's byte range in them.
    public func words(of text: String) -> NormalizedWords {
        var text = text
        return text.withUTF8 { words(of: $0) }
    }

    public func words(of text: UnsafeBufferPointer<UInt8>) -> NormalizedWords {
        var result = NormalizedWords()
        result.bytes.reserveCapacity(text.count)
        var unspacedLetters = 0, letters = 0
        var position = 0
        var wordStart = -1
        func endWord(_ output: inout NormalizedWords) {
            if wordStart >= 0 {
                output.wordEnds.append(Int32(output.bytes.count))
                wordStart = -1
            }
        }
        func emit(_ scalar: UInt32, _ output: inout NormalizedWords) {
            if wordStart < 0 {
                if !output.bytes.isEmpty { output.bytes.append(0x20) }
                wordStart = output.bytes.count
                output.wordStarts.append(Int32(wordStart))
            }
            if scalar < 0x80 { output.bytes.append(UInt8(scalar)) } else { UTF8Bytes.append(scalar, to: &output.bytes) }
        }
        let classes = CharacterClasses.Table.shared
        while position < text.count {
            let (scalar, length) =
                text[position] < 0x80 ? (UInt32(text[position]), 1) : UTF8Bytes.decode(text, at: position)
            let mapped = map(scalar)
            switch mapped {
            case Self.space:
                endWord(&result)
                position += length
            case Self.removed:
                position += length
            case Self.digit:
                // A number: digits, then at most one separator followed by more digits; it becomes "0".
                position = skipDigits(text, from: position + length)
                if position < text.count,
                    Self.isDecimalSeparator(UInt32(text[position]))
                        || (text[position] >= 0x80
                            && Self.isDecimalSeparator(UTF8Bytes.decode(text, at: position).scalar))
                {
                    let separatorLength = UTF8Bytes.decode(text, at: position).length
                    let afterSeparator = position + separatorLength
                    if afterSeparator < text.count, map(UTF8Bytes.decode(text, at: afterSeparator).scalar) == Self.digit
                    {
                        position = skipDigits(text, from: afterSeparator)
                    }
                }
                emit(0x30, &result)
            default:
                let scalarClasses = classes.of(scalar)
                if scalarClasses.contains(.letter) {
                    letters += 1
                    if scalarClasses.contains(.unspaced) { unspacedLetters += 1 }
                }
                emit(mapped, &result)
                position += length
            }
        }
        endWord(&result)
        if unspacedLetters * 2 > letters { result.splitIntoCharacters() }
        return result
    }

    private func skipDigits(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var position = start
        while position < text.count {
            let (scalar, length) =
                text[position] < 0x80 ? (UInt32(text[position]), 1) : UTF8Bytes.decode(text, at: position)
            guard map(scalar) == Self.digit else { break }
            position += length
        }
        return position
    }
}

/// Normalised text as `dedup` shingles it: UTF-8 bytes with words separated by one space, and each word's range.
public struct NormalizedWords: Sendable, Equatable {
    public var bytes: [UInt8] = []
    var wordStarts: [Int32] = []
    var wordEnds: [Int32] = []
    /// Whether the words are single characters of a script written without spaces.
    public private(set) var byCharacter = false

    public var count: Int { wordStarts.count }
    public var words: [String] {
        (0..<count).map { String(decoding: bytes[Int(wordStarts[$0])..<Int(wordEnds[$0])], as: UTF8.self) }
    }

    /// Drops the spaces and makes every character a word.
    mutating func splitIntoCharacters() {
        var joined: [UInt8] = []
        joined.reserveCapacity(bytes.count)
        var starts: [Int32] = [], ends: [Int32] = []
        for byte in bytes where byte != 0x20 {
            if byte & 0xC0 != 0x80 {
                if !joined.isEmpty { ends.append(Int32(joined.count)) }
                starts.append(Int32(joined.count))
            }
            joined.append(byte)
        }
        if !joined.isEmpty { ends.append(Int32(joined.count)) }
        (bytes, wordStarts, wordEnds, byCharacter) = (joined, starts, ends, true)
    }

    /// The hash of each shingle of `n` words (XXH64 of the words joined by a space, or of the characters joined
    /// without one); a text of fewer than `n` words is one shingle; an empty text has none.
    public func shingleHashes(_ n: Int) -> [UInt64] {
        guard count > 0 else { return [] }
        let shingles = max(1, count - n + 1)
        return bytes.withUnsafeBytes { raw in
            (0..<shingles).map { start in
                let lower = Int(wordStarts[start]), upper = Int(wordEnds[min(count, start + n) - 1])
                return XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[lower..<upper]))
            }
        }
    }
}
