/// One field of the `stats` object: its name, what it means, how it follows from the counts, and the fixed bin
/// edges of its histogram in the corpus statistics.
public struct StatisticField: Sendable {
    public var name: String
    public var help: String
    /// Whether the value is a whole number (written as an integer).
    public var isCount: Bool
    let value: @Sendable (TextStatistics) -> Double?
    /// Histogram bin edges; a value v falls in bin i when edges[i] ≤ v < edges[i + 1] (the last bin is open).
    public var edges: [Double]

    /// The field's value for a document; nil when it does not apply (`sentences` without the `sentences` stage,
    /// `stop_word_ratio` for a language without a stop-word list). A ratio whose denominator is 0 is 0.
    public func value(of statistics: TextStatistics) -> Double? { value(statistics) }

    static func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }

    static let unitEdges = stride(from: 0.0, through: 0.95, by: 0.05).map { ($0 * 100).rounded() / 100 }
    static let lengthEdges: [Double] = [
        0, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000,
    ]
    static let smallCountEdges: [Double] = [0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1_000, 10_000]

    static func count(
        _ name: String, _ help: String, edges: [Double] = lengthEdges,
        _ value: @escaping @Sendable (TextStatistics) -> Int
    ) -> StatisticField {
        StatisticField(name: name, help: help, isCount: true, value: { Double(value($0)) }, edges: edges)
    }

    static func fraction(
        _ name: String, _ help: String, _ value: @escaping @Sendable (TextStatistics) -> Double?
    ) -> StatisticField {
        StatisticField(name: name, help: help, isCount: false, value: value, edges: unitEdges)
    }

    /// Every field, in output order.
    public static let all: [StatisticField] =
        [
            count("chars", "Unicode code points (Python's len)") { $0.chars },
            count("bytes", "UTF-8 bytes") { $0.bytes },
            count(
                "words",
                "words: runs of letters, marks and digits; each character of Han, kana, Thai, Lao, Khmer, Myanmar"
            ) { $0.words },
            count(
                "tokens",
                "words plus symbol tokens (runs of one punctuation or symbol character), as a word tokeniser counts"
            ) { $0.tokens },
            count("lines", "lines: the text split at \\n, blank ones included", edges: smallCountEdges) { $0.lines },
            count("paragraphs", "paragraphs: the stripped text split at two or more \\n", edges: smallCountEdges) {
                $0.paragraphs
            },
            StatisticField(
                name: "sentences", help: "sentences, when the sentences stage ran", isCount: true,
                value: { $0.sentences.map(Double.init) }, edges: smallCountEdges),
            StatisticField(
                name: "mean_word_length", help: "mean characters per word", isCount: false,
                value: { ratio($0.wordCharacters, $0.words) }, edges: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20]),
            StatisticField(
                name: "mean_sentence_length", help: "words per sentence, when the sentences stage ran", isCount: false,
                value: { s in s.sentences.map { ratio(s.words, $0) } },
                edges: [0, 1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50, 75, 100, 200]),
            fraction("type_token_ratio", "distinct words (ignoring case) / words") {
                ratio($0.distinctWords, $0.words)
            },
            fraction(
                "stop_word_ratio", "words in the language's stop-word list / words (null: no list for the language)"
            ) { s in s.stopWords.map { ratio($0, s.words) } },
            count(
                "gopher_stop_words", "distinct words among Gopher's eight (the be to of and that have with)",
                edges: [0, 1, 2, 3, 4, 5, 6, 7, 8]
            ) { $0.gopherStopWords },
            fraction("alpha_ratio", "letters / characters") { ratio($0.letters, $0.chars) },
            fraction("digit_ratio", "decimal digits / characters") { ratio($0.digits, $0.chars) },
            fraction("uppercase_ratio", "upper-case letters / characters") { ratio($0.uppercase, $0.chars) },
            fraction("punctuation_ratio", "punctuation (Unicode P*) / characters") { ratio($0.punctuation, $0.chars) },
            fraction("whitespace_ratio", "white space / characters") { ratio($0.whitespace, $0.chars) },
            fraction("non_ascii_ratio", "characters above U+007F / characters") { ratio($0.nonASCII, $0.chars) },
            fraction("alpha_word_ratio", "words with at least one letter / tokens (Gopher)") {
                ratio($0.wordsWithLetter, $0.tokens)
            },
            fraction("hash_word_ratio", "# signs / tokens (Gopher)") { ratio($0.hashSigns, $0.tokens) },
            fraction("ellipsis_word_ratio", "ellipses (... or …) / tokens (Gopher)") { ratio($0.ellipses, $0.tokens) },
            fraction("symbol_word_ratio", "(# signs + ellipses) / tokens") {
                ratio($0.hashSigns + $0.ellipses, $0.tokens)
            },
            fraction("bullet_line_ratio", "lines starting with • or - (after leading space) / lines") {
                ratio($0.bulletLines, $0.lines)
            },
            fraction("ellipsis_line_ratio", "lines ending with ... or … (before trailing space) / lines") {
                ratio($0.ellipsisLines, $0.lines)
            },
            fraction("line_punct_ratio", "non-blank lines ending with terminal punctuation / non-blank lines (FineWeb)")
            { ratio($0.punctuatedLines, $0.nonBlankLines) },
            fraction("short_line_ratio", "non-blank lines of at most 30 characters / non-blank lines (FineWeb)") {
                ratio($0.shortLines, $0.nonBlankLines)
            },
            fraction(
                "duplicate_nonblank_line_char_ratio",
                "characters in repeats of earlier non-blank lines / characters other than \\n (FineWeb)"
            ) { ratio($0.duplicateNonBlankLineChars, $0.chars - $0.newlines) },
            StatisticField(
                name: "newline_word_ratio", help: "\\n / tokens (FineWeb's list test)", isCount: false,
                value: { ratio($0.newlines, $0.tokens) }, edges: unitEdges + [1, 2, 5]),
            fraction(
                "duplicate_line_fraction", "repeated lines / lines (Gopher: lines are the text split at runs of \\n)"
            ) { ratio($0.duplicateLines, $0.lineElements) },
            fraction("duplicate_line_char_fraction", "characters in repeated lines / characters (Gopher)") {
                ratio($0.duplicateLineChars, $0.chars)
            },
            fraction("duplicate_paragraph_fraction", "repeated paragraphs / paragraphs (Gopher)") {
                ratio($0.duplicateParagraphs, $0.paragraphs)
            },
            fraction("duplicate_paragraph_char_fraction", "characters in repeated paragraphs / characters (Gopher)") {
                ratio($0.duplicateParagraphChars, $0.chars)
            },
        ]
        + (2...4).map { n in
            fraction(
                "top_\(n)gram_char_fraction",
                "characters of the most frequent \(n)-gram (words joined by spaces) × its count / characters (Gopher)"
            ) { ratio($0.topNgramChars[n - 2], $0.chars) }
        }
        + (5...10).map { n in
            fraction(
                "duplicate_\(n)gram_char_fraction", "characters of words in repeated \(n)-grams / characters (Gopher)"
            ) { ratio($0.duplicateNgramChars[n - 5], $0.chars) }
        }

    public static let byName: [String: StatisticField] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}

extension TextStatistics {
    /// The `stats` object: counts as integers, the rest rounded to 4 decimals; fields that do not apply are left out.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(StatisticField.all.count)
        // Through a buffer, field by field: copying each `StatisticField` out of the array cost four retains.
        StatisticField.all.withUnsafeBufferPointer { fields in
            for index in fields.indices {
                guard let value = fields[index].value(self) else { continue }
                members.append((fields[index].name, fields[index].isCount ? .int(Int(value)) : .fourDecimals(value)))
            }
        }
        return .object(JSONObject(members))
    }

    /// A field's value by name (for `min_stat` and `max_stat`).
    public subscript(field name: String) -> Double? { StatisticField.byName[name]?.value(of: self) }
}
