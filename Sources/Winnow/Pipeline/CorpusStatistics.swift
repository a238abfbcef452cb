/// Corpus-level figures of the documents a run wrote: totals per language and histograms with fixed bin edges.
///
/// Everything is a count, so two aggregates merge by adding (`merge`): the statistics of shards run separately,
/// merged, equal those of one run over all of them (`winnow stats merge`). Collected on the workers per batch when
/// `--stats` is given.
public struct CorpusStatistics: Sendable, Equatable {
    /// Documents, words and characters, for the corpus and per language.
    public struct Totals: Sendable, Equatable {
        public var documents = 0
        public var words = 0
        public var chars = 0

        mutating func add(_ other: Totals) {
            documents += other.documents
            words += other.words
            chars += other.chars
        }
    }

    public var totals = Totals()
    /// By the `language` field; `unknown` without one.
    public var languages: [String: Totals] = [:]
    /// By name (see `Histogram.catalogue`); present once a value was counted.
    public var histograms: [String: Histogram] = [:]

    public init() {}

    /// The figures of the documents of one batch.
    public init(_ documents: [Document]) {
        for document in documents { add(document) }
    }

    public mutating func add(_ document: Document) {
        let statistics = document.scratch.statistics
        var document = document
        let chars = statistics?.chars ?? document.text.withUTF8(TextStatistics.scalarCount)
        let words = statistics?.words ?? WordSegmenter.count(document.text)
        let counted = Totals(documents: 1, words: words, chars: chars)
        totals.add(counted)
        languages[document.fields[FieldName.language]?.stringValue ?? "unknown", default: Totals()].add(counted)
        count("document_chars", Double(chars))
        count("document_words", Double(words))
        if case .array(let sentences)? = document.fields[FieldName.sentences] {
            for sentence in sentences {
                if let text = sentence.stringValue { count("sentence_words", Double(WordSegmenter.count(text))) }
            }
        }
        if case .number(let lexeme)? = document.fields[FieldName.languageScore], let score = Double(lexeme) {
            count("language_score", score)
        }
        if let statistics {
            for field in StatisticField.all {
                if let value = field.value(of: statistics) { count("stats." + field.name, value) }
            }
        }
    }

    private mutating func count(_ name: String, _ value: Double) {
        guard let edges = Histogram.edgesByName[name] else { return }
        histograms[name, default: Histogram(edges: edges)].add(value)
    }

    public mutating func merge(_ other: CorpusStatistics) {
        totals.add(other.totals)
        for (language, counted) in other.languages { languages[language, default: Totals()].add(counted) }
        for (name, histogram) in other.histograms {
            if histograms[name] == nil { histograms[name] = Histogram(edges: histogram.edges) }
            histograms[name]!.merge(histogram)
        }
    }

    // MARK: - JSON

    /// `{"documents", "words", "chars", "languages": {code: {…}}, "histograms": {name: {"edges", "counts"}}}`, in a
    /// fixed order (languages by code, histograms in catalogue order) so equal figures give equal bytes.
    public var json: JSONValue {
        func object(_ totals: Totals) -> JSONObject {
            ["documents": .int(totals.documents), "words": .int(totals.words), "chars": .int(totals.chars)]
        }
        var result = object(totals)
        var languageObject = JSONObject()
        for (language, counted) in languages.sorted(by: { $0.key < $1.key }) {
            languageObject[language] = .object(object(counted))
        }
        result["languages"] = .object(languageObject)
        var histogramObject = JSONObject()
        for (name, _) in Histogram.catalogue {
            guard let histogram = histograms[name] else { continue }
            histogramObject[name] = .object([
                "edges": .array(histogram.edges.map(JSONValue.double)),
                "counts": .array(histogram.counts.map(JSONValue.int)),
            ])
        }
        result["histograms"] = .object(histogramObject)
        return .object(result)
    }

    /// Reads what `json` wrote.
    public init(json: JSONValue) throws(StatsFileError) {
        guard case .object(let object) = json else { throw StatsFileError("corpus is not an object") }
        func totals(_ value: JSONValue?, _ what: String) throws(StatsFileError) -> Totals {
            guard case .object(let fields)? = value else { throw StatsFileError("\(what) is not an object") }
            return Totals(
                documents: try StatsFileError.int(fields["documents"], "\(what).documents"),
                words: try StatsFileError.int(fields["words"], "\(what).words"),
                chars: try StatsFileError.int(fields["chars"], "\(what).chars"))
        }
        self.totals = try totals(json, "corpus")
        guard case .object(let languageObject)? = object["languages"] else {
            throw StatsFileError("corpus.languages is missing")
        }
        for (language, value) in languageObject.members {
            languages[language] = try totals(value, "corpus.languages.\(language)")
        }
        guard case .object(let histogramObject)? = object["histograms"] else {
            throw StatsFileError("corpus.histograms is missing")
        }
        for (name, value) in histogramObject.members {
            guard let edges = Histogram.edgesByName[name], case .object(let fields) = value,
                case .array(let counts)? = fields["counts"],
                counts.count == edges.count
            else {
                throw StatsFileError("corpus.histograms.\(name) is not a histogram this version of winnow knows")
            }
            var histogram = Histogram(edges: edges)
            for (index, count) in counts.enumerated() {
                histogram.counts[index] = try StatsFileError.int(count, "corpus.histograms.\(name)")
            }
            histograms[name] = histogram
        }
    }
}

/// Counts of values in bins with fixed edges: bin i holds edges[i] ≤ v < edges[i + 1]; the last bin is open above,
/// and values below the first edge count in the first bin.
public struct Histogram: Sendable, Equatable {
    public let edges: [Double]
    public var counts: [Int]

    public init(edges: [Double]) {
        self.edges = edges
        counts = [Int](repeating: 0, count: edges.count)
    }

    public mutating func add(_ value: Double) {
        var low = 0, high = edges.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if edges[middle] <= value { low = middle } else { high = middle - 1 }
        }
        counts[low] += 1
    }

    mutating func merge(_ other: Histogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    /// Every histogram a run can collect, in output order, with its bin edges.
    public static let catalogue: [(name: String, edges: [Double])] =
        [
            ("document_chars", StatisticField.lengthEdges),
            ("document_words", StatisticField.lengthEdges),
            ("sentence_words", [0, 1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50, 75, 100, 200]),
            ("language_score", StatisticField.unitEdges),
        ] + StatisticField.all.map { ("stats." + $0.name, $0.edges) }

    static let edgesByName: [String: [Double]] = Dictionary(uniqueKeysWithValues: catalogue.map { ($0.name, $0.edges) })
}

/// A stats file that cannot be read or merged.
public struct StatsFileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// The largest count a stats file may hold: 2^53, exact as a `Double` (the report computes with them), and small
    /// enough that adding up a thousand files cannot overflow; `merge` re-checks its sums against it.
    static let maximumCount = 1 << 53

    /// A count: a whole number from 0 to `maximumCount`.
    static func int(_ value: JSONValue?, _ what: String) throws(StatsFileError) -> Int {
        guard case .number(let lexeme)? = value else { throw StatsFileError("\(what) is not an integer") }
        guard let number = Int(lexeme) else {
            let digits = lexeme.drop { $0 == "-" }
            if !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) {
                throw StatsFileError("\(what) is \(lexeme): too large for a count (at most 2^53)")
            }
            throw StatsFileError("\(what) is \(lexeme), not an integer")
        }
        guard (0...maximumCount).contains(number) else {
            throw StatsFileError(
                "\(what) is \(lexeme): \(number < 0 ? "a count cannot be negative" : "too large for a count (at most 2^53)")"
            )
        }
        return number
    }

    /// A duration or other measure: finite, from 0 to 2^53.
    static func double(_ value: JSONValue?, _ what: String) throws(StatsFileError) -> Double {
        guard case .number(let lexeme)? = value, let number = Double(lexeme) else {
            throw StatsFileError("\(what) is not a number")
        }
        guard number.isFinite, number >= 0, number <= Double(maximumCount) else {
            throw StatsFileError("\(what) is \(lexeme): out of range (0 to 2^53)")
        }
        return number
    }
}
