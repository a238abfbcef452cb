/// Stage `extract`: keeps a web page's main content — the article — and drops the page furniture (menus, footers,
/// share bars, related stories, cookie notices, comments), as trafilatura does for datatrove's FineWeb.
///
/// It comes right after `decode`, which then leaves HTML as it is. A document whose text is HTML (a WARC response
/// served as HTML, a JSONL page) is parsed (`HTMLTree`) and its main content found (`ContentExtractor`); the text
/// becomes that content, a block a line. The page's `<title>`, `<html lang>`, description, canonical URL and
/// publication date go to `metadata` (under those names, unless the record has them). A page without main content
/// (a hub of links, a form) is dropped with reason `no_main_content`. Documents that are not HTML pass unchanged.
public struct ExtractStage: DocumentStage, StageDefinition {
    public static let name = "extract"
    public static let summary =
        "Keeps a web page's main content (the article) and drops menus, footers, share bars, related links, cookie notices and comments."
    public static let outputFields = [
        FieldDescription(name: "title", type: "string or null", help: "the page's title (<title>, else og:title)"),
        FieldDescription(
            name: "extract", type: "object",
            help: "{chars_in, chars_out, blocks_kept, blocks_dropped}; with explain, dropped: [{text, score, reason}]"),
    ]

    /// The kinds of blocks `keep` can name.
    enum Kind: String, CaseIterable {
        case title, headings, lists, tables, comments
    }

    /// The options of `extract`.
    public struct Configuration: StageConfiguration {
        @StageOption("favor", help: "precision drops more uncertain blocks, recall keeps more") public var favor:
            ContentExtractor.Favor = .balanced
        @StageOption(
            "keep",
            help: "what is kept besides paragraphs: " + Kind.allCases.map(\.rawValue).joined(separator: ", ")
                + " (title: the page title as the first line)",
            check: { names in
                let unknown = names.filter { Kind(rawValue: $0) == nil }
                return unknown.isEmpty
                    ? nil
                    : "has unknown kinds \(unknown) (valid: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))"
            })
        public var keep = ["headings", "lists", "tables"]
        @StageOption(
            "min_chars", in: 0...1_000_000,
            help: "a page with less main content than this (characters) is dropped: no_main_content")
        public var minChars = 50
        @StageOption("explain", help: "list the dropped blocks with their score and reason in extract.dropped") public
            var explain = false

        public init() {}
    }

    public static func steps(_ configuration: Configuration, at options: StageOptions) -> [PipelineStep] {
        [.document(ExtractStage(configuration: configuration))]
    }

    public let configuration: Configuration
    private let extractor: ContentExtractor

    public init(configuration: Configuration = .defaults) {
        self.configuration = configuration
        let kinds = Set(configuration.keep.compactMap(Kind.init(rawValue:)))
        extractor = ContentExtractor(
            favor: configuration.favor,
            keep: .init(
                title: kinds.contains(.title), headings: kinds.contains(.headings), lists: kinds.contains(.lists),
                tables: kinds.contains(.tables), comments: kinds.contains(.comments)),
            explain: configuration.explain)
    }

    public func process(_ document: inout Document) -> Verdict {
        guard document.scratch.isMarkup || HTMLText.looksLikeHTML(document.text) else { return .keep }
        let result = extractor.extract(document.text)
        document.scratch.isMarkup = false
        for member in result.metadata.members where document.metadata[member.key] == nil {
            document.metadata[member.key] = member.value
        }
        document.text = result.text
        document.fields["title"] = result.title.map(JSONValue.string) ?? .null
        let charsOut = result.text.unicodeScalars.count
        var report: JSONObject = [
            "chars_in": .int(result.charsIn), "chars_out": .int(charsOut),
            "blocks_kept": .int(result.blocksKept), "blocks_dropped": .int(result.blocksDropped),
        ]
        if configuration.explain {
            report["dropped"] = .array(
                result.dropped.map {
                    .object(["text": .string($0.text), "score": .double($0.score), "reason": .string($0.reason)])
                })
        }
        document.fields[Self.name] = .object(report)
        return charsOut == 0 || charsOut < configuration.minChars ? .drop(reason: "no_main_content") : .keep
    }
}
