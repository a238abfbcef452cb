#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stage `clean`: repairs a document's text and removes what is not the article.
///
/// In order: mojibake is repaired (`MojibakeRepair`); one pass over the UTF-8 bytes tidies line ends, control and
/// invisible characters, exotic spaces, trailing spaces and blank-line runs (`TextTidier`); the text is put in NFC
/// or NFKC (`UnicodeNormalizer`); then line rules remove boilerplate in eight families and nine languages, the
/// rest of a document after a comment form near its end, the user's `extra_patterns` and, when asked, C4's line
/// rules (`LineFilter`); then lines repeated across `min_repeats` documents of one source (`RepeatedLines`: counted
/// over all the inputs in a first pass, or as read). Each document gets `clean: {removed_lines, removed_chars, mojibake_repairs}`, and with
/// `explain: true` the removed lines with the rule that removed each. A document left with no text is dropped
/// (reason `empty_text`) unless `drop_empty: false`.
public struct CleanStage: DocumentStage, StageDefinition {
    public static let name = "clean"
    public static let summary =
        "Repairs mojibake, normalises Unicode and whitespace, removes control characters and boilerplate lines."
    public static let outputFields = [
        FieldDescription(name: "text", type: "string", help: "rewritten in place"),
        FieldDescription(
            name: "clean", type: "object",
            help: "{removed_lines, removed_chars, mojibake_repairs}; with explain: true also removed: [{line, rule}]"),
    ]

    /// The Unicode normalisation form `clean` puts text in.
    public enum Normalization: String, ChoiceOption {
        case nfc, nfkc, none
    }

    /// What `clean` does with typographic quotes and dashes.
    public enum Punctuation: String, ChoiceOption {
        case keep, ascii
    }

    /// How `repeated_lines` counts a source's lines (`min_repeats_mode`).
    public enum RepeatedLinesMode: String, ChoiceOption {
        case twoPass = "two_pass", onePass = "one_pass"
    }

    /// The options of `clean`.
    public struct Configuration: StageConfiguration {
        @StageOption("normalize", help: "Unicode normalisation form of the cleaned text") public var normalize:
            Normalization = .nfc
        @StageOption("punctuation", help: "ascii: curly quotes, dashes and … become ASCII") public var punctuation:
            Punctuation = .keep
        @StageOption(
            "mojibake",
            help:
                "repair UTF-8 that was decoded as a single-byte code page — Windows-1252/Latin-1 (â€™ → ’, Ã© → é), 1251, 1250, ISO-8859-2, 1257, MacRoman, 437 — once to three times"
        )
        public var mojibake = true
        @StageOption(
            "boilerplate",
            help: "boilerplate families to remove ([] for none): "
                + BoilerplateFamily.allCases.map(\.rawValue).joined(separator: ", "),
            check: { names in
                let unknown = names.filter { BoilerplateFamily(rawValue: $0) == nil }
                return unknown.isEmpty
                    ? nil
                    : "has unknown families \(unknown) (valid: \(BoilerplateFamily.allCases.map(\.rawValue).joined(separator: ", ")))"
            })
        public var boilerplate = BoilerplateFamily.allCases.map(\.rawValue)
        @StageOption(
            "extra_patterns",
            help:
                "POSIX extended regular expressions ((?i) ignores case; no back-references); a line matching one whole is removed",
            check: { patterns in
                for pattern in patterns {
                    do throws(LinePattern.PatternError) { _ = try LinePattern(pattern) } catch {
                        return "has an invalid regular expression '\(pattern)': \(error)"
                    }
                }
                return nil
            })
        public var extraPatterns: [String] = []
        @StageOption(
            "lines",
            help:
                "noise lines (menus, link runs, dates, bylines, prices, lines without letters) found by the line model: conservative removes what it is sure of, aggressive more, off none"
        )
        public var lines: LineModel.Mode = .conservative
        @StageOption(
            "c4_rules",
            help: "C4's line rules: drop lines without terminal punctuation or mentioning javascript or lorem ipsum")
        public var c4Rules = false
        @StageOption("min_line_words", in: 0...1000, help: "drop lines with fewer words (0: off)") public
            var minLineWords = 0
        @StageOption(
            "min_repeats",
            help:
                "remove lines found in at least this many documents of the same source (URL host, else input file); 0: off",
            check: {
                $0 == 0 || (2...1_000_000).contains($0) ? nil : "must be 0 (off) or between 2 and 1000000, got \($0)"
            })
        public var minRepeats = 10
        @StageOption(
            "min_repeats_mode",
            help:
                "two_pass: a first pass counts each source's lines over all the inputs, and every document loses the repeated ones (the same lines whatever the order); one_pass: counted as read, so a source's first min_repeats − 1 documents keep a line (what two_pass does when an input cannot be read twice, e.g. stdin)"
        )
        public var minRepeatsMode: RepeatedLinesMode = .twoPass
        @StageOption(
            "repeats_memory_mb", in: 16...1_048_576,
            help:
                "the most the table counting repeated lines holds (16–32 bytes a distinct line of a source); two_pass spills sorted runs to disk past it, one_pass forgets lines seen once"
        )
        public var repeatsMemoryMB = 1024
        @StageOption("explain", help: "list the removed lines and the rule that removed each under clean.removed")
        public var explain = false
        @StageOption("drop_empty", help: "drop documents whose cleaned text is empty (reason empty_text)") public
            var dropEmpty = true

        public init() {}
    }

    public let configuration: Configuration

    /// The pipeline steps of `clean`: this stage, then the ordered repeated-line filter when `min_repeats` is set.
    public static func steps(_ configuration: Configuration, at options: StageOptions) -> [PipelineStep] {
        var steps: [PipelineStep] = [.document(CleanStage(configuration: configuration))]
        if configuration.minRepeats > 0 {
            let (repeats, explain, dropEmpty) = (
                configuration.minRepeats, configuration.explain, configuration.dropEmpty
            )
            let (mode, memory) = (configuration.minRepeatsMode, configuration.repeatsMemoryMB << 20)
            steps.append(
                .ordered(name: RepeatedLines.name) {
                    RepeatedLines(
                        minimumRepeats: repeats, explain: explain, dropEmpty: dropEmpty, mode: mode, memoryBytes: memory
                    )
                })
        }
        return steps
    }
    private let tidier: TextTidier
    private let lineFilter: LineFilter

    public init(configuration: Configuration = .defaults) {
        self.configuration = configuration
        tidier = TextTidier(asciiPunctuation: configuration.punctuation == .ascii)
        lineFilter = LineFilter(
            matcher: BoilerplateMatcher(
                families: Set(configuration.boilerplate.compactMap(BoilerplateFamily.init(rawValue:)))),
            extraPatterns: configuration.extraPatterns,
            c4Rules: configuration.c4Rules, minLineWords: configuration.minLineWords,
            model: LineModel(mode: configuration.lines))
    }

    public func process(_ document: inout Document) -> Verdict {
        let result = clean(document.text)
        document.text = result.text
        var report: JSONObject = [
            "removed_lines": .int(result.removed.count),
            "removed_chars": .int(result.removed.reduce(0) { $0 + $1.line.unicodeScalars.count }),
            "mojibake_repairs": .int(result.mojibakeRepairs),
        ]
        if configuration.explain {
            report["removed"] = .array(
                result.removed.map { removal in
                    var entry: JSONObject = ["line": .string(removal.line), "rule": .string(removal.rule)]
                    if let score = removal.score { entry["score"] = .double(score) }
                    return .object(entry)
                })
        }
        document.fields[Self.name] = .object(report)
        if document.text.isEmpty && configuration.dropEmpty { return .drop(reason: "empty_text") }
        if configuration.minRepeats > 0 { document.scratch.lineHashes = RepeatedLines.lineHashes(document.text) }
        return .keep
    }

    /// The cleaned text, the lines removed and the mojibake characters repaired.
    func clean(_ text: String) -> (text: String, removed: [LineFilter.Removal], mojibakeRepairs: Int) {
        var repaired = text
        var mojibakeRepairs = 0
        if configuration.mojibake { (repaired, mojibakeRepairs) = MojibakeRepair.repair(text) }
        var tidied: [UInt8] = []
        // When the pass changed nothing (the common case for clean text) the string is kept, not rebuilt.
        let unchanged = repaired.withUTF8 { bytes in
            tidier.tidy(bytes, into: &tidied)
            return tidied.count == bytes.count
                && (bytes.isEmpty || memcmp(bytes.baseAddress!, tidied, bytes.count) == 0)
        }
        var normalized = tidied.withUnsafeBufferPointer { bytes in
            switch configuration.normalize {
            case .nfc: NFCQuickCheck.isCertainlyNFC(bytes) && unchanged ? repaired : UnicodeNormalizer.nfc(bytes)
            case .nfkc: UnicodeNormalizer.nfkc(bytes)
            case .none: unchanged ? repaired : String(decoding: bytes, as: UTF8.self)
            }
        }
        let (kept, removed) = normalized.withUTF8 { lineFilter.filter($0) }
        return (kept.map { String(decoding: $0, as: UTF8.self) } ?? normalized, removed, mojibakeRepairs)
    }

    /// The cleaned form of `text` with the default options (or the given normalisation).
    public static func clean(
        _ text: String, normalize: Normalization = .nfc, lines: LineModel.Mode = .conservative
    ) -> String {
        var configuration = Configuration.defaults
        configuration.normalize = normalize
        configuration.lines = lines
        return CleanStage(configuration: configuration).clean(text).text
    }
}
