/// Stage `filter`: drops documents by named rule sets (`gopher_quality`, `gopher_repetition`, `c4`, `fineweb`)
/// and simple rules (`languages`, `min_language_score`, `min_words`, `max_words`, `min_stat`, `max_stat`).
///
/// A dropped document carries its rule as the reason: `gopher_quality:mean_word_length`, `fineweb:line_punct_ratio`,
/// `c4:too_few_sentences`, `languages`, `min_stat:digit_ratio`. Rules run in that order and the first that fails
/// decides. Statistics come from an earlier `stats` stage, or are computed here (and not written out).
public struct FilterStage: DocumentStage, StageDefinition {
    public static let name = "filter"
    public static let summary =
        "Drops documents by Gopher, C4 and FineWeb rule sets (datatrove's thresholds, tunable) and by language, score, length or any stats field."

    /// The options of `filter`.
    public struct Configuration: StageConfiguration {
        @StageOption(
            "gopher_quality", help: ruleSetHelp(QualityRuleSets.gopherQuality, "Gopher's quality rules"),
            check: ruleSetCheck(QualityRuleSets.gopherQuality))
        public var gopherQuality = RuleSetOption(enabled: false)
        @StageOption(
            "gopher_repetition", help: ruleSetHelp(QualityRuleSets.gopherRepetition, "Gopher's repetition rules"),
            check: ruleSetCheck(QualityRuleSets.gopherRepetition))
        public var gopherRepetition = RuleSetOption(enabled: false)
        @StageOption(
            "c4", help: "C4's document rules; thresholds: min_sentences 5, min_words_per_line 3, max_word_length 1000",
            check: { option in
                do throws(OptionValueError) { _ = try C4Rules(option.thresholds) } catch { return error.message }
                return nil
            })
        public var c4 = RuleSetOption(enabled: false)
        @StageOption(
            "fineweb", help: ruleSetHelp(QualityRuleSets.fineweb, "FineWeb's quality rules"),
            check: ruleSetCheck(QualityRuleSets.fineweb))
        public var fineweb = RuleSetOption(enabled: false)
        @StageOption("languages", help: "keep only these languages (the language field); empty: all") public
            var languages: [String] = []
        @StageOption("min_language_score", in: 0...1, help: "drop documents whose language_score is lower") public
            var minLanguageScore = 0.0
        @StageOption("min_words", in: 0...Int(Int32.max), help: "drop documents with fewer words (0: off)") public
            var minWords = 0
        @StageOption("max_words", in: 0...Int(Int32.max), help: "drop documents with more words (0: off)") public
            var maxWords = 0
        @StageOption("min_stat", help: boundsHelp("minimum"), check: boundsCheck) public var minStat = NumberMapping()
        @StageOption("max_stat", help: boundsHelp("maximum"), check: boundsCheck) public var maxStat = NumberMapping()

        public init() {}

        /// The statistic rule sets that are on, by name, with their thresholds (in the order they run).
        var ruleSets: [(name: String, rules: [QualityRule])] {
            [
                ("gopher_quality", gopherQuality, QualityRuleSets.gopherQuality),
                ("gopher_repetition", gopherRepetition, QualityRuleSets.gopherRepetition),
                ("fineweb", fineweb, QualityRuleSets.fineweb),
            ].compactMap { name, option, defaults in
                guard option.enabled, case .success(let rules) = QualityRuleSets.tuned(defaults, option.thresholds)
                else { return nil }
                return (name, rules)
            }
        }

        /// The simple rules on statistics (`min_words`, `max_words`, `min_stat`, `max_stat`), reason = rule set.
        var statisticRules: [(reason: String, rule: QualityRule)] {
            var rules: [(reason: String, rule: QualityRule)] = []
            if minWords > 0 { rules.append(("min_words", QualityRuleSets.minimum("words", Double(minWords)))) }
            if maxWords > 0 { rules.append(("max_words", QualityRuleSets.maximum("words", Double(maxWords)))) }
            rules += minStat.entries.map { ("min_stat:" + $0.name, QualityRuleSets.minimum($0.name, $0.value)) }
            rules += maxStat.entries.map { ("max_stat:" + $0.name, QualityRuleSets.maximum($0.name, $0.value)) }
            return rules
        }
    }

    public static func steps(_ configuration: Configuration, at options: StageOptions) -> [PipelineStep] {
        [.document(FilterStage(configuration: configuration))]
    }

    /// What the user chose; the plan below is compiled from it once, in `init` (a configuration holds only what was
    /// written, so changing its rule sets through the API before making the stage can never leave a stale plan).
    public let configuration: Configuration
    /// The statistic rules in the order they run, each with the reason it gives (made once: per document, copying
    /// the rules out of their sets and joining the reasons took most of the stage's time).
    private let checks: [Check]
    /// How many of `checks` come from the rule sets (they run before C4; the simple rules after it).
    private let ruleSetCheckCount: Int
    /// Whether any rule reads an n-gram repetition fraction (the costly part of the statistics).
    private let needsNgrams: Bool
    /// Whether any statistic rule is on (else the statistics are not computed at all).
    private let needsStatistics: Bool
    private let c4: C4Rules?
    private let languages: Set<String>

    public init(configuration: Configuration = .defaults) {
        self.configuration = configuration
        let (ruleSets, statisticRules) = (configuration.ruleSets, configuration.statisticRules)
        let ruleSetChecks = Self.checks(ruleSets)
        checks = ruleSetChecks + statisticRules.map { Check($0.rule, reason: $0.reason) }
        ruleSetCheckCount = ruleSetChecks.count
        needsNgrams = (ruleSets.flatMap(\.rules) + statisticRules.map(\.rule)).contains {
            $0.statistic.contains("gram_")
        }
        c4 = configuration.c4.enabled ? try? C4Rules(configuration.c4.thresholds) : nil
        languages = Set(configuration.languages)
        needsStatistics = !checks.isEmpty
    }

    /// A rule as `process` runs it: the statistic it reads (nil: does not apply, passes), its bound, its reason.
    struct Check {
        let value: @Sendable (TextStatistics) -> Double?
        let isMinimum: Bool
        let threshold: Double
        let reason: String

        init(_ rule: QualityRule, reason: String) {
            (value, isMinimum, threshold, self.reason) = (
                rule.statisticValue, rule.bound == .minimum, rule.threshold, reason
            )
        }

        /// datatrove's repetition and FineWeb filters drop an empty text first: at least one of `count`.
        init(atLeastOne count: @escaping @Sendable (TextStatistics) -> Int, reason: String) {
            (value, isMinimum, threshold, self.reason) = ({ Double(count($0)) }, true, 1, reason)
        }

        func passes(_ statistics: TextStatistics) -> Bool {
            guard let value = value(statistics) else { return true }
            return isMinimum ? value >= threshold : value <= threshold
        }
    }

    static func checks(_ ruleSets: [(name: String, rules: [QualityRule])]) -> [Check] {
        var checks: [Check] = []
        for (name, rules) in ruleSets {
            if name == "fineweb" { checks.append(Check(atLeastOne: \.nonBlankLines, reason: name + ":empty")) }
            if name == "gopher_repetition" { checks.append(Check(atLeastOne: \.chars, reason: name + ":empty")) }
            checks += rules.map { Check($0, reason: name + ":" + $0.statistic) }
        }
        return checks
    }

    public func process(_ document: inout Document) -> Verdict {
        if !languages.isEmpty {
            guard let language = document.fields[FieldName.language]?.stringValue, languages.contains(language) else {
                return .drop(reason: "languages")
            }
        }
        if configuration.minLanguageScore > 0 {
            guard case .number(let lexeme)? = document.fields[FieldName.languageScore], let score = Double(lexeme),
                score >= configuration.minLanguageScore
            else { return .drop(reason: "min_language_score") }
        }
        // The statistics once (not copied per rule); not at all when only `c4` or the language rules are on.
        let statistics =
            needsStatistics
            ? document.scratch.statistics ?? StatsStage.statistics(of: document, ngrams: needsNgrams) : TextStatistics()
        let failed = checks.withUnsafeBufferPointer { checks in
            checks.indices.first { !checks[$0].passes(statistics) }
        }
        // The rule sets first, then C4, then the simple rules.
        if let failed, failed < ruleSetCheckCount { return .drop(reason: checks[failed].reason) }
        if let c4, let reason = c4.reasonToDrop(document.text, rules: SentenceStage().rules(for: document)) {
            return .drop(reason: "c4:" + reason)
        }
        if let failed { return .drop(reason: checks[failed].reason) }
        return .keep
    }
}

/// The help of a rule-set option: what it is and its rules' default thresholds.
private func ruleSetHelp(_ rules: [QualityRule], _ what: String) -> String {
    func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
    return "\(what); thresholds: " + rules.map { "\($0.name) \(number($0.threshold))" }.joined(separator: ", ")
}

/// The check of a rule-set option: its thresholds must name rules of the set.
private func ruleSetCheck(_ rules: [QualityRule]) -> @Sendable (RuleSetOption) -> String? {
    { option in
        guard case .failure(let error) = QualityRuleSets.tuned(rules, option.thresholds) else { return nil }
        return error.message
    }
}

private func boundsHelp(_ what: String) -> String {
    "{stats field: \(what)}: drop documents \(what == "minimum" ? "below" : "above") it"
}

/// `min_stat` and `max_stat` must name stats fields.
@Sendable private func boundsCheck(_ mapping: NumberMapping) -> String? {
    mapping.entries.first { StatisticField.byName[$0.name] == nil }.map {
        "names no stats field '\($0.name)' (fields: \(StatisticField.all.map(\.name).joined(separator: ", ")))"
    }
}
