import Foundation

/// A threshold on one statistic: documents beyond it are dropped with reason `<rule set>:<statistic>`.
public struct QualityRule: Sendable {
    public enum Bound: Sendable { case minimum, maximum }

    /// The threshold's name in a pipeline file (`min_words`, `max_duplicate_line_fraction`).
    public var name: String
    public let statistic: String
    public var bound: Bound
    public var threshold: Double
    /// The `stats` field named `statistic`, looked up once rather than by name for every document.
    private let field: StatisticField?

    init(name: String, statistic: String, bound: Bound, threshold: Double) {
        (self.name, self.statistic, self.bound, self.threshold) = (name, statistic, bound, threshold)
        field = StatisticField.byName[statistic]
    }

    /// True when the value passes: at least a minimum, at most a maximum (datatrove drops `value < min`, `value > max`).
    func passes(_ value: Double) -> Bool { bound == .minimum ? value >= threshold : value <= threshold }

    /// What the rule reads of the statistics (nil: the statistic does not apply).
    var statisticValue: @Sendable (TextStatistics) -> Double? {
        guard let field else { return { _ in nil } }
        return field.value
    }
}

/// The named rule sets of the `filter` stage, with the thresholds datatrove's filters use by default.
///
/// `gopher_quality` (datatrove `GopherQualityFilter`), `gopher_repetition` (`GopherRepetitionFilter`) and
/// `fineweb` (`FineWebQualityFilter`) are thresholds on `stats` fields, tested in datatrove's order; `c4`
/// (`C4QualityFilter`) is a line-by-line pass over the text (`C4Rules`).
public enum QualityRuleSets {
    static func minimum(_ statistic: String, _ threshold: Double) -> QualityRule {
        QualityRule(name: "min_" + statistic, statistic: statistic, bound: .minimum, threshold: threshold)
    }
    static func maximum(_ statistic: String, _ threshold: Double) -> QualityRule {
        QualityRule(name: "max_" + statistic, statistic: statistic, bound: .maximum, threshold: threshold)
    }

    public static let gopherQuality: [QualityRule] = [
        minimum("words", 50), maximum("words", 100_000),
        minimum("mean_word_length", 3), maximum("mean_word_length", 10),
        maximum("hash_word_ratio", 0.1), maximum("ellipsis_word_ratio", 0.1),
        maximum("bullet_line_ratio", 0.9), maximum("ellipsis_line_ratio", 0.3),
        minimum("alpha_word_ratio", 0.8),
        minimum("gopher_stop_words", 2),
    ]

    public static let gopherRepetition: [QualityRule] = [
        maximum("duplicate_paragraph_fraction", 0.3), maximum("duplicate_paragraph_char_fraction", 0.2),
        maximum("duplicate_line_fraction", 0.3), maximum("duplicate_line_char_fraction", 0.2),
        maximum("top_2gram_char_fraction", 0.2), maximum("top_3gram_char_fraction", 0.18),
        maximum("top_4gram_char_fraction", 0.16),
        maximum("duplicate_5gram_char_fraction", 0.15), maximum("duplicate_6gram_char_fraction", 0.14),
        maximum("duplicate_7gram_char_fraction", 0.13), maximum("duplicate_8gram_char_fraction", 0.12),
        maximum("duplicate_9gram_char_fraction", 0.11), maximum("duplicate_10gram_char_fraction", 0.10),
    ]

    public static let fineweb: [QualityRule] = [
        minimum("line_punct_ratio", 0.12), maximum("short_line_ratio", 0.67),
        maximum("duplicate_nonblank_line_char_ratio", 0.01), maximum("newline_word_ratio", 0.3),
    ]

    /// The rules with some thresholds replaced; throws the message for a name the set does not have.
    static func tuned(_ rules: [QualityRule], _ thresholds: NumberMapping) -> Result<[QualityRule], OptionValueError> {
        var rules = rules
        for (name, value) in thresholds.entries {
            guard let index = rules.firstIndex(where: { $0.name == name }) else {
                return .failure(
                    OptionValueError(
                        "has no threshold '\(name)' (thresholds: \(rules.map(\.name).joined(separator: ", ")))"))
            }
            rules[index].threshold = value
        }
        return .success(rules)
    }
}

/// C4's rules (Raffel et al. 2020) as datatrove's `C4QualityFilter` applies them, deciding only: lines are
/// stripped and skipped when they have a word over `max_word_length` characters, do not end in `.` `?` `!` `"` `'`
/// (or end in `...`), have fewer than `min_words_per_line` words, mention "javascript" or a cookie or terms-of-use
/// phrase; Wikipedia-style citations (`[1]`, `[edit]`, `[citation needed]`) are cut first. The document is dropped
/// for "lorem ipsum" or `{` in a kept line, or when its kept lines hold fewer than `min_sentences` sentences
/// (counted by `SentenceSplitter`; datatrove uses NLTK's punkt). The text itself is not changed: `clean`'s
/// `c4_rules` removes such lines.
public struct C4Rules: Sendable {
    public var minSentences = 5
    public var minWordsPerLine = 3
    public var maxWordLength = 1_000

    static let thresholdNames = ["min_sentences", "min_words_per_line", "max_word_length"]
    static let policyPhrases = [
        "terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies",
    ]

    init(_ thresholds: NumberMapping) throws(OptionValueError) {
        for (name, value) in thresholds.entries {
            switch name {
            case "min_sentences": minSentences = Int(value)
            case "min_words_per_line": minWordsPerLine = Int(value)
            case "max_word_length": maxWordLength = Int(value)
            default:
                throw OptionValueError(
                    "has no threshold '\(name)' (thresholds: \(Self.thresholdNames.joined(separator: ", ")))")
            }
        }
    }

    /// The reason to drop the text (`lorem_ipsum`, `curly_bracket`, `too_few_sentences`), or nil to keep it.
    func reasonToDrop(_ text: String, rules: LanguageRules) -> String? {
        var sentences = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            let words = line.split(whereSeparator: \.isWhitespace)
            if words.contains(where: { $0.count > maxWordLength }) { continue }
            if line.contains("[") { line = Self.removingCitations(line) }
            guard
                line.hasSuffix(".") || line.hasSuffix("?") || line.hasSuffix("!") || line.hasSuffix("\"")
                    || line.hasSuffix("'"),
                !line.hasSuffix("...")
            else { continue }
            if words.count < minWordsPerLine { continue }
            let lower = line.lowercased()
            if lower.contains("lorem ipsum") { return "lorem_ipsum" }
            if lower.contains("javascript") { continue }
            if line.contains("{") { return "curly_bracket" }
            if Self.policyPhrases.contains(where: lower.contains) { continue }
            var bytes = line
            sentences += bytes.withUTF8 { SentenceSplitter(rules: rules).ranges($0).count }
        }
        return sentences < minSentences ? "too_few_sentences" : nil
    }

    /// Removes `[12]`, `[]`, `[edit]` and `[citation needed]`.
    static func removingCitations(_ line: String) -> String {
        line.replacing(#/\[\d*\]|\[edit\]|\[citation needed\]/#, with: "")
    }
}
