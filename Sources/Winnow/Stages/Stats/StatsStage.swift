/// Stage `stats`: adds `stats`, the document's text statistics (see `TextStatistics` and `StatisticField`).
///
/// Uses the `language` field for the stop-word list and the `sentences` field for sentence counts when earlier
/// stages added them. Keeps the statistics on the document for `filter` and the corpus statistics.
public struct StatsStage: DocumentStage, StageDefinition {
    public static let name = "stats"
    public static let summary =
        "Adds per-document text statistics: sizes, word and sentence lengths, character classes, stop words, Gopher/FineWeb repetition measures."
    public static let outputFields = [
        FieldDescription(name: "stats", type: "object", help: "an object of statistics; the README defines each field")
    ]

    /// The options of `stats`.
    public struct Configuration: StageConfiguration {
        @StageOption("ngrams", help: "compute the n-gram repetition fractions (the costliest part)") public var ngrams =
            true

        public init() {}
    }

    public static func steps(_ configuration: Configuration, at options: StageOptions) -> [PipelineStep] {
        [.document(StatsStage(configuration: configuration))]
    }

    public let configuration: Configuration

    public init(configuration: Configuration = .defaults) { self.configuration = configuration }

    public func process(_ document: inout Document) -> Verdict {
        let statistics = Self.statistics(of: document, ngrams: configuration.ngrams)
        document.scratch.statistics = statistics
        document.fields["stats"] = statistics.json
        return .keep
    }

    /// The statistics of a document, with its language and sentence count when present.
    static func statistics(of document: Document, ngrams: Bool = true) -> TextStatistics {
        var sentences: Int?
        if case .array(let list)? = document.fields[FieldName.sentences] { sentences = list.count }
        return TextStatistics(
            text: document.text, language: document.fields[FieldName.language]?.stringValue, sentences: sentences,
            ngrams: ngrams)
    }
}
