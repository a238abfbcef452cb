/// Stage `sentences`: adds `sentences`, the document's sentences in order, each trimmed; joined they hold every
/// non-space character of the text, in order. With `spans: true` also `sentence_spans`, `[start, end)` offsets in
/// Unicode code points (as Python indexes strings).
///
/// The rules follow the document's language: the `language` field (from the `language` stage, or decode's
/// `language_field`), else the stage's `language` option; `auto` guesses from the script — Latin text gets every
/// Latin language's abbreviations, Greek text the Greek rules, Cyrillic the Russian ones. See `SentenceSplitter`.
public struct SentenceStage: DocumentStage, StageDefinition {
    public static let name = "sentences"
    public static let summary =
        "Splits text into sentences with language-aware rules (abbreviations, numbers, lists, quotes, many scripts)."
    public static let outputFields = [
        FieldDescription(name: "sentences", type: "array of strings", help: "the sentences, in order, trimmed"),
        FieldDescription(
            name: "sentence_spans", type: "array of [integer, integer]",
            help: "with spans: true: [[start, end], …] in code points"),
    ]

    /// The options of `sentences`.
    public struct Configuration: StageConfiguration {
        @StageOption(
            "language",
            help: "rules when the document has no language field: auto (by script) or a code ("
                + LanguageRules.byLanguage.keys.sorted().joined(separator: ", ") + ")",
            check: {
                $0 == "auto" || LanguageRules.forLanguage($0) != nil
                    ? nil
                    : "is not auto or a language with rules (\(LanguageRules.byLanguage.keys.sorted().joined(separator: ", ")))"
            })
        public var language = "auto"
        @StageOption("spans", help: "add sentence_spans in Unicode code points") public var spans = false

        public init() {}
    }

    public static func steps(_ configuration: Configuration, at options: StageOptions) -> [PipelineStep] {
        [.document(SentenceStage(configuration: configuration))]
    }

    public let configuration: Configuration

    public init(configuration: Configuration = .defaults) { self.configuration = configuration }

    public func process(_ document: inout Document) -> Verdict {
        let splitter = SentenceSplitter(rules: rules(for: document))
        var text = document.text
        let (ranges, spans) = text.withUTF8 { bytes in
            let ranges = splitter.ranges(bytes)
            return (ranges, configuration.spans ? Self.codePointSpans(ranges, in: bytes) : [])
        }
        // Copied out as substrings of the text: already valid UTF-8, so not validated again.
        let utf8 = text.utf8
        let sentences = ranges.map { range in
            JSONValue.string(
                String(
                    text[
                        utf8.index(
                            utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(
                                utf8.startIndex, offsetBy: range.upperBound)]))
        }
        document.fields[FieldName.sentences] = .array(sentences)
        if configuration.spans { document.fields["sentence_spans"] = .array(spans) }
        return .keep
    }

    /// The rules for a document: its language, else the option, else a guess from its script.
    func rules(for document: Document) -> LanguageRules {
        if case .string(let code)? = document.fields[FieldName.language], let rules = LanguageRules.forLanguage(code) {
            return rules
        }
        if configuration.language != "auto", let rules = LanguageRules.forLanguage(configuration.language) {
            return rules
        }
        // The first letters decide: Greek, Cyrillic and Armenian lead bytes are CE–CF, D0–D3 and D5; ASCII letters are Latin.
        var text = document.text
        let script: LanguageRules? = text.withUTF8 { bytes in
            for byte in bytes.prefix(400) {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                    return LanguageRules.guessLatinLanguage(bytes).flatMap { LanguageRules.byLanguage[$0] }
                        ?? LanguageRules.latin
                case 0xCE, 0xCF: return LanguageRules.byLanguage["el"]
                case 0xD0...0xD3: return LanguageRules.byLanguage["ru"]
                case 0xD5: return LanguageRules.byLanguage["hy"]  // Armenian letters ա–ֆ, Ա–Ֆ (most of them)
                default: continue
                }
            }
            return nil
        }
        return script ?? LanguageRules.latin
    }

    /// Byte ranges as `[start, end]` code-point offsets.
    static func codePointSpans(_ ranges: [Range<Int>], in bytes: UnsafeBufferPointer<UInt8>) -> [JSONValue] {
        var spans: [JSONValue] = []
        var byte = 0
        var codePoint = 0
        func advance(to target: Int) {
            while byte < target {
                if bytes[byte] & 0xC0 != 0x80 { codePoint += 1 }
                byte += 1
            }
        }
        for range in ranges {
            advance(to: range.lowerBound)
            let start = codePoint
            advance(to: range.upperBound)
            spans.append(.array([.int(start), .int(codePoint)]))
        }
        return spans
    }
}
