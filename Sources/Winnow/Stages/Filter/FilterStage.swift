/// Stage `filter`: drops documents by named rule sets (`gopher_quality`, `gopher_repetition`, `c4`, `fineweb`)
/// and simple rules (`languages`, `min_language_score`, `min_words`, `max_words`, `min_stat`, `max_stat`).
///
/// A dropped document carries its rule as the reason: `gopher_quality:mean_word_length`, `fineweb:line_punct_ratio`,
/// `c4:too_few_sentences`, `languages`, `min_stat:digit_ratio`. Rules run in that order and the first that fails
/// decides. Statistics come from an earlier `stats` stage, or are computed here (and not written out).
public struct FilterStage: DocumentStage {
    public static let name = "filter"
    static let summary = "Drops documents by Gopher, C4 and FineWeb rule sets (datatrove's thresholds, tunable) and by language, score, length or any stats field."

    /// The options of `filter`.
    public struct Configuration: StageConfiguration {
        static func ruleSetOption(_ name: String, _ rules: [QualityRule], _ what: String) -> StageOption<RuleSetOption> {
            StageOption(name, default: RuleSetOption(enabled: false),
                        help: "\(what); thresholds: " + rules.map { "\($0.name) \(Self.number($0.threshold))" }.joined(separator: ", ")) { option in
                guard case .failure(let error) = QualityRuleSets.tuned(rules, option.thresholds) else { return nil }
                return error.message
            }
        }
        static func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }

        static let gopherQualityOption = ruleSetOption("gopher_quality", QualityRuleSets.gopherQuality, "Gopher's quality rules")
        static let gopherRepetitionOption = ruleSetOption("gopher_repetition", QualityRuleSets.gopherRepetition, "Gopher's repetition rules")
        static let c4Option = StageOption<RuleSetOption>(
            "c4", default: RuleSetOption(enabled: false),
            help: "C4's document rules; thresholds: min_sentences 5, min_words_per_line 3, max_word_length 1000"
        ) { option in
            do throws(OptionValueError) { _ = try C4Rules(option.thresholds) } catch { return error.message }
            return nil
        }
        static let finewebOption = ruleSetOption("fineweb", QualityRuleSets.fineweb, "FineWeb's quality rules")
        static let languagesOption = StageOption<[String]>("languages", default: [], help: "keep only these languages (the language field); empty: all")
        static let minLanguageScoreOption = StageOption<Double>("min_language_score", default: 0, in: 0...1, help: "drop documents whose language_score is lower")
        static let minWordsOption = StageOption<Int>("min_words", default: 0, in: 0...Int(Int32.max), help: "drop documents with fewer words (0: off)")
        static let maxWordsOption = StageOption<Int>("max_words", default: 0, in: 0...Int(Int32.max), help: "drop documents with more words (0: off)")
        static func boundsOption(_ name: String, _ what: String) -> StageOption<NumberMapping> {
            StageOption(name, default: NumberMapping(), help: "{stats field: \(what)}: drop documents \(what == "minimum" ? "below" : "above") it") { mapping in
                mapping.entries.first { StatisticField.byName[$0.name] == nil }.map {
                    "names no stats field '\($0.name)' (fields: \(StatisticField.all.map(\.name).joined(separator: ", ")))"
                }
            }
        }
        static let minStatOption = boundsOption("min_stat", "minimum")
        static let maxStatOption = boundsOption("max_stat", "maximum")

        public static let optionDescriptions = [
            gopherQualityOption.description, gopherRepetitionOption.description, c4Option.description, finewebOption.description,
            languagesOption.description, minLanguageScoreOption.description, minWordsOption.description, maxWordsOption.description,
            minStatOption.description, maxStatOption.description,
        ]

        /// The statistic rule sets that are on, by name, with their thresholds.
        public var ruleSets: [(name: String, rules: [QualityRule])] = []
        public var c4: C4Rules?
        public var languages: Set<String>
        public var minLanguageScore: Double
        /// The simple rules on statistics (`min_words`, `max_words`, `min_stat`, `max_stat`), reason = rule set.
        public var statisticRules: [(reason: String, rule: QualityRule)] = []

        public init(_ options: StageOptions) throws(PipelineError) {
            let sets: [(StageOption<RuleSetOption>, [QualityRule])] = [
                (Self.gopherQualityOption, QualityRuleSets.gopherQuality),
                (Self.gopherRepetitionOption, QualityRuleSets.gopherRepetition),
                (Self.finewebOption, QualityRuleSets.fineweb),
            ]
            for (option, defaults) in sets {
                let value = try options.value(option)
                if value.enabled, case .success(let rules) = QualityRuleSets.tuned(defaults, value.thresholds) {
                    ruleSets.append((option.name, rules))
                }
            }
            let c4Value = try options.value(Self.c4Option)
            c4 = c4Value.enabled ? try? C4Rules(c4Value.thresholds) : nil
            languages = Set(try options.value(Self.languagesOption))
            minLanguageScore = try options.value(Self.minLanguageScoreOption)
            let minWords = try options.value(Self.minWordsOption), maxWords = try options.value(Self.maxWordsOption)
            if minWords > 0 { statisticRules.append(("min_words", QualityRuleSets.minimum("words", Double(minWords)))) }
            if maxWords > 0 { statisticRules.append(("max_words", QualityRuleSets.maximum("words", Double(maxWords)))) }
            for entry in try options.value(Self.minStatOption).entries {
                statisticRules.append(("min_stat:" + entry.name, QualityRuleSets.minimum(entry.name, entry.value)))
            }
            for entry in try options.value(Self.maxStatOption).entries {
                statisticRules.append(("max_stat:" + entry.name, QualityRuleSets.maximum(entry.name, entry.value)))
            }
        }
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

    public init(configuration: Configuration = .defaults) {
        self.configuration = configuration
        let ruleSetChecks = Self.checks(configuration.ruleSets)
        checks = ruleSetChecks + configuration.statisticRules.map { Check($0.rule, reason: $0.reason) }
        ruleSetCheckCount = ruleSetChecks.count
        needsNgrams = (configuration.ruleSets.flatMap(\.rules) + configuration.statisticRules.map(\.rule)).contains { $0.statistic.contains("gram_") }
        needsStatistics = !checks.isEmpty
    }

    /// A rule as `process` runs it: the statistic it reads (nil: does not apply, passes), its bound, its reason.
    struct Check {
        let value: @Sendable (TextStatistics) -> Double?
        let isMinimum: Bool
        let threshold: Double
        let reason: String

        init(_ rule: QualityRule, reason: String) {
            (value, isMinimum, threshold, self.reason) = (rule.statisticValue, rule.bound == .minimum, rule.threshold, reason)
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
        if !configuration.languages.isEmpty {
            guard let language = document.fields["language"]?.stringValue, configuration.languages.contains(language) else {
                return .drop(reason: "languages")
            }
        }
        if configuration.minLanguageScore > 0 {
            guard case .number(let lexeme)? = document.fields["language_score"], let score = Double(lexeme),
                  score >= configuration.minLanguageScore else { return .drop(reason: "min_language_score") }
        }
        // The statistics once (not copied per rule); not at all when only `c4` or the language rules are on.
        let statistics = needsStatistics ? document.statistics ?? StatsStage.statistics(of: document, ngrams: needsNgrams) : TextStatistics()
        let failed = checks.withUnsafeBufferPointer { checks in
            checks.indices.first { !checks[$0].passes(statistics) }
        }
        // The rule sets first, then C4, then the simple rules.
        if let failed, failed < ruleSetCheckCount { return .drop(reason: checks[failed].reason) }
        if let c4 = configuration.c4, let reason = c4.reasonToDrop(document.text, rules: SentenceStage().rules(for: document)) {
            return .drop(reason: "c4:" + reason)
        }
        if let failed { return .drop(reason: checks[failed].reason) }
        return .keep
    }
}
