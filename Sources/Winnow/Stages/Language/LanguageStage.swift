import Foundation

/// Stage `language`: identifies the document's language with a fastText model and its script from Unicode.
///
/// Adds `language` (ISO 639-1 where one exists, else the model's code), `language_score` (its probability),
/// `languages` (the top k `{code, score}`) and `script` (ISO 15924, see `UnicodeScript`). The model sees the text as
/// fastText users give it to `predict`: newlines as spaces, optionally only the first `max_chars` characters.
/// `min_score` drops documents whose best label is less probable (reason `language_score`), `languages` keeps only
/// the listed codes (reason `language`). With `model:` and `field:` the same stage runs any fastText classifier
/// (a quality model, GlotLID): its fields are then named `<field>`, `<field>_score` and `<field>_labels`.
public struct LanguageStage: DocumentStage, StageDefinition {
    public static let name = "language"
    public static let summary =
        "Identifies the language with fastText's lid.176 model (bundled; exact, native) or any fastText classifier; adds the Unicode script."
    public static let outputFields = [
        FieldDescription(
            name: "language", type: "string or null",
            help:
                "the most probable label: ISO 639-1 where one exists, else the model's code (null when none passes threshold)"
        ),
        FieldDescription(name: "language_score", type: "number", help: "its probability (0–1)"),
        FieldDescription(
            name: "languages", type: "array of objects",
            help: "the top_k labels: [{code, score}, …], most probable first"),
        FieldDescription(
            name: "script", type: "string",
            help: "ISO 15924 code of the script most letters are in (Latn, Cyrl, Arab, Hani …; Zyyy without letters)"),
    ]

    /// The name that stands for the model embedded in the binary.
    public static let bundledModelName = "lid.176.ftz"

    /// The options of `language`.
    public struct Configuration: StageConfiguration {
        @StageOption(
            "model",
            help:
                "a fastText model (.bin or .ftz): lid.176.ftz is the bundled one; other paths are read from the working directory, then $WINNOW_MODELS",
            check: { $0.isEmpty ? "must name a model file" : nil })
        public var model = bundledModelName
        @StageOption(
            "field", help: "output field name; other fields are <field>_score and the top-k list",
            check: { name in
                !name.isEmpty
                    && name.utf8.allSatisfy({
                        $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    })
                    ? nil : "must be a snake_case name"
            })
        public var field = "language"
        @StageOption("top_k", in: 1...1000, help: "how many labels the list holds") public var topK = 3
        @StageOption("threshold", in: 0...1, help: "labels less probable than this are not reported") public
            var threshold = 0.0
        @StageOption(
            "min_score", in: 0...1, help: "drop documents whose best label is less probable (reason language_score)")
        public var minScore = 0.0
        @StageOption("languages", help: "keep only documents in these languages (reason language); empty: all") public
            var languages: [String] = []
        @StageOption(
            "max_chars", in: 0...Int(Int32.max), help: "give the model only the first N characters; 0: the whole text")
        public var maxChars = 0
        @StageOption("script", help: "add script") public var script = true

        public init() {}
    }

    public let configuration: Configuration
    /// The model `configuration.model` names, loaded when the stage is made.
    public let model: FastTextModel
    /// The model's labels as reported codes.
    private let codes: [String]
    private let scoreField: String
    private let listField: String
    private let threshold: Float
    private let minScore: Float
    private let languages: Set<String>

    /// The stage with the model `configuration.model` names (an error when it cannot be loaded), or with `model`.
    public init(configuration: Configuration = .defaults, model: FastTextModel? = nil) throws(FastTextModelError) {
        self.configuration = configuration
        if let model { self.model = model } else { self.model = try Self.loadModel(configuration.model) }
        codes = self.model.labels.map(LanguageCode.normalized)
        scoreField = configuration.field + "_score"
        listField = configuration.field == "language" ? "languages" : configuration.field + "_labels"
        (threshold, minScore, languages) = (
            Float(configuration.threshold), Float(configuration.minScore), Set(configuration.languages)
        )
    }

    public static func steps(
        _ configuration: Configuration, at options: StageOptions
    ) throws(PipelineError) -> [PipelineStep] {
        do {
            return [.document(try LanguageStage(configuration: configuration))]
        } catch {
            throw options.error(at: "model", "option 'model' of stage 'language': \(error)")
        }
    }

    /// The bundled model for its name; else the file, found in the working directory or `$WINNOW_MODELS`.
    static func loadModel(_ name: String) throws(FastTextModelError) -> FastTextModel {
        if name == bundledModelName { return .languageIdentification176 }
        var path = name
        if !FileManager.default.fileExists(atPath: path), !name.hasPrefix("/"),
            let directory = ProcessInfo.processInfo.environment["WINNOW_MODELS"]
        {
            let candidate = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: candidate) { path = candidate }
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw FastTextModelError(
                file: name, message: "no such model file (looked in the working directory and $WINNOW_MODELS)")
        }
        return try FastTextModel.load(contentsOfFile: path)
    }

    public func process(_ document: inout Document) -> Verdict {
        var text = document.text
        let (predictions, script) = text.withUTF8 { bytes in
            let modelText = configuration.maxChars > 0 ? Self.prefix(bytes, characters: configuration.maxChars) : bytes
            let predictions = model.predict(utf8: modelText, k: configuration.topK, threshold: threshold)
            return (predictions, configuration.script ? UnicodeScript.dominant(in: bytes) : nil)
        }
        let best = predictions.first
        document.fields[configuration.field] = best.map { .string(codes[$0.label]) } ?? .null
        document.fields[scoreField] = best.map { Self.score($0.probability) } ?? .null
        document.fields[listField] = .array(
            predictions.map { .object(["code": .string(codes[$0.label]), "score": Self.score($0.probability)]) })
        if let script { document.fields["script"] = .string(script) }

        if minScore > 0 && (best?.probability ?? 0) < minScore {
            return .drop(reason: configuration.field + "_score")
        }
        if !languages.isEmpty {
            guard let best, languages.contains(codes[best.label]) || languages.contains(model.labels[best.label]) else {
                return .drop(reason: configuration.field)
            }
        }
        return .keep
    }

    /// A probability as JSON: fastText's `log(p + 1e-5)` can make a sure answer 1.00001, reported as 1.
    static func score(_ probability: Float) -> JSONValue { .number("\(min(probability, 1))") }

    /// The first `characters` Unicode characters (code points) of UTF-8 text.
    static func prefix(_ bytes: UnsafeBufferPointer<UInt8>, characters: Int) -> UnsafeBufferPointer<UInt8> {
        var seen = 0
        for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
            if seen == characters { return UnsafeBufferPointer(rebasing: bytes[..<offset]) }
            seen += 1
        }
        return bytes
    }
}
