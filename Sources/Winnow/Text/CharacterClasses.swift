import CProseScan

/// What a code point is, for the statistics: letter, upper case, digit, punctuation, white space, part of a word,
/// a character of a script written without spaces (each such character is a word), a word joiner.
struct CharacterClasses: OptionSet, Sendable {
    let rawValue: UInt8
    static let letter = CharacterClasses(rawValue: 1)
    static let uppercase = CharacterClasses(rawValue: 2)
    static let digit = CharacterClasses(rawValue: 4)
    static let punctuation = CharacterClasses(rawValue: 8)
    static let whitespace = CharacterClasses(rawValue: 16)
    /// Letters, marks and numbers (Unicode L*, M*, N*): what words are made of.
    static let wordCharacter = CharacterClasses(rawValue: 32)
    /// Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar: scripts written without spaces between words.
    static let unspaced = CharacterClasses(rawValue: 64)
    /// `'` `’` `-` `‐` `.` `,` `_`: inside a word when a word character follows (`don't`, `e-mail`, `3.14`).
    static let joiner = CharacterClasses(rawValue: 128)

    /// For each combination of the five counted classes (letter, upper case, digit, punctuation, white space: bits
    /// 0–4), the increment of five 12-bit counters packed in one word (`TextStatistics` counts with it).
    static let packedIncrements: [UInt64] = (0..<32).map { bits in
        (0..<5).reduce(0) { $0 | (UInt64((bits >> $1) & 1) << UInt64(12 * $1)) }
    }

    /// For each byte, `packedIncrements` of its classes when it is an ASCII character, plus `asciiWordFlag` when it is
    /// an ASCII word character and `asciiJoinerFlag` when it is a joiner (0 for bytes above 0x7F): the
    /// word-segmentation loop's fast path reads one table.
    static let asciiPackedIncrements: [UInt64] = (0..<256).map { byte in
        guard byte < 0x80 else { return 0 }
        let classes = Table.shared.basicPlane[byte]
        return packedIncrements[Int(classes.rawValue & 0x1F)] | (classes.contains(.wordCharacter) ? asciiWordFlag : 0)
            | (classes.contains(.joiner) ? asciiJoinerFlag : 0)
    }
    /// Above the five 12-bit lanes: adding it to the packed counters never disturbs them.
    static let asciiWordFlag: UInt64 = WINNOW_ASCII_WORD_FLAG
    /// Above the five 12-bit lanes too (only white-space entries are added to the counters as they are).
    static let asciiJoinerFlag: UInt64 = WINNOW_ASCII_JOINER_FLAG
    /// An ASCII word run followed by a byte whose entry has neither flag (and that is ASCII) is a whole word.
    static let asciiWordContinues: UInt64 = asciiWordFlag | asciiJoinerFlag
    /// The tables the word-segmentation loop reads, copied once into memory that is never freed, so that the loop
    /// reads them through plain pointers.
    static let lookup = Lookup()

    struct Lookup: @unchecked Sendable {
        let basicPlane: UnsafeBufferPointer<CharacterClasses>
        let asciiPackedIncrements: UnsafeBufferPointer<UInt64>
        let packedIncrements: UnsafeBufferPointer<UInt64>

        fileprivate init() {
            func immortal<T>(_ array: [T]) -> UnsafeBufferPointer<T> {
                let copy = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
                _ = copy.initialize(from: array)
                return UnsafeBufferPointer(copy)
            }
            basicPlane = immortal(Table.shared.basicPlane)
            asciiPackedIncrements = immortal(CharacterClasses.asciiPackedIncrements)
            packedIncrements = immortal(CharacterClasses.packedIncrements)
        }
    }

    /// The white-space lane's unit in `packedIncrements`.
    static let packedWhitespace: UInt64 = WINNOW_PACKED_WHITESPACE

    /// The classes of every code point of the Basic Multilingual Plane, computed once from Unicode properties.
    /// Loops fetch it once (`Table.shared`) rather than through a global accessor per character.
    struct Table: Sendable {
        let basicPlane: [CharacterClasses]
        static let shared = Table(
            basicPlane: (0..<0x10000).map { value in Unicode.Scalar(UInt32(value)).map(compute) ?? [] })

        @inline(__always)
        func of(_ scalar: UInt32) -> CharacterClasses {
            scalar < 0x10000
                ? basicPlane.withUnsafeBufferPointer { $0[Int(scalar)] } : Unicode.Scalar(scalar).map(compute) ?? []
        }
    }

    private static let unspacedScripts: Set<String> = ["Hani", "Hira", "Kana", "Thai", "Laoo", "Khmr", "Mymr"]

    private static func compute(_ scalar: Unicode.Scalar) -> CharacterClasses {
        var classes: CharacterClasses = []
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter:
            classes.formUnion([.letter, .uppercase, .wordCharacter])
        case .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            classes.formUnion([.letter, .wordCharacter])
        case .nonspacingMark, .spacingMark, .enclosingMark, .letterNumber, .otherNumber:
            classes.insert(.wordCharacter)
        case .decimalNumber:
            classes.formUnion([.digit, .wordCharacter])
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            classes.insert(.punctuation)
        default:
            break
        }
        if isPythonSpace(scalar.value) { classes.insert(.whitespace) }
        if classes.contains(.letter), let code = UnicodeScript.code(of: scalar), unspacedScripts.contains(code) {
            classes.insert(.unspaced)
        }
        if "'’-‐.,_".unicodeScalars.contains(scalar) { classes.insert(.joiner) }
        return classes
    }

    /// Python's `str.isspace()`, which `strip()` and `split()` use.
    static func isPythonSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// The code point's lower-case form when that is one code point (else itself): for words compared without case.
    @inline(__always)
    static func lowercase(_ scalar: UInt32) -> UInt32 {
        if scalar < 0x80 { return scalar &- 0x41 < 26 ? scalar | 0x20 : scalar }
        return scalar < 0x10000 ? UInt32(lowercaseBasicPlane[Int(scalar)]) : scalar
    }

    private static let lowercaseBasicPlane: [UInt16] = (0..<0x10000).map { value in
        guard let scalar = Unicode.Scalar(UInt32(value)), scalar.properties.changesWhenLowercased else {
            return UInt16(value)
        }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 && lower.first!.value < 0x10000 ? UInt16(lower.first!.value) : UInt16(value)
    }
}
