/// A per-document stage: a pure function of one document, run in parallel on all jobs.
///
/// It edits the document in place (cleaned text, added `fields`) and says whether to keep it. A thrown error
/// rejects that one document, with the stage's name and the error, and the run goes on.
public protocol DocumentStage: Sendable {
    /// The stage's name in pipeline files and in the summary.
    static var name: String { get }
    func process(_ document: inout Document) throws -> Verdict
}

/// A stage that sees the documents in input order, on one task, and may keep state (a dedup index, corpus
/// statistics). The runner hands it batches strictly in input order whatever `--jobs` is. Expensive per-document
/// work belongs in a `DocumentStage` before it, so this half stays cheap.
public protocol OrderedStage {
    static var name: String { get }
    /// Called once before the first document (the dedup index loads its file here); an error fails the run.
    mutating func start() throws
    mutating func process(_ document: inout Document) throws -> Verdict
    /// Called once after the last document of a run that was neither interrupted nor failed (the dedup index saves
    /// itself here); an error fails the run.
    mutating func finish() throws
    /// The stage's state after the documents so far, for `--resume` (nil: the stage keeps none). Taken after the
    /// last document of each input.
    func checkpoint() -> [UInt8]?
    /// Takes up the state `checkpoint` gave (after `start`, in place of what it loaded); an error fails the run.
    mutating func restore(_ state: [UInt8]) throws
}

extension OrderedStage {
    public mutating func start() throws {}
    public mutating func finish() throws {}
    public func checkpoint() -> [UInt8]? { nil }
    public mutating func restore(_ state: [UInt8]) throws {}
}

/// The typed options of a stage, read from its entry in a pipeline file; every option has a default.
public protocol StageConfiguration: Sendable {
    /// Every option, with its type, default and help (`winnow stages` prints these).
    static var optionDescriptions: [OptionDescription] { get }
    /// Reads the options, reporting invalid values with their position.
    init(_ options: StageOptions) throws(PipelineError)
}

extension StageConfiguration {
    /// The configuration with every option at its default.
    public static var defaults: Self {
        // An empty mapping always reads: every option has a default.
        try! Self(StageOptions(stage: "defaults", node: nil, file: "<defaults>"))
    }

    /// Reads a configuration and rejects options it does not have.
    static func read(_ options: StageOptions) throws(PipelineError) -> Self {
        try options.checkNoUnknownOptions(optionDescriptions)
        return try Self(options)
    }
}

/// An output field a stage adds to each record, as `winnow stages` lists it.
public struct FieldDescription: Sendable {
    public var name: String
    /// Its JSON type, the same on every record that has it (`string`, `object`, `array of strings`, `string or null` …).
    public var type: String
    public var help: String
}

/// A stage ready to run, as the runner needs it.
public enum PipelineStep: Sendable {
    /// How input records become documents (always first; defaults apply when the file omits it).
    case decode(DecodeStage)
    case document(any DocumentStage)
    /// Made anew for each run, since it keeps state.
    case ordered(name: String, make: @Sendable () -> any OrderedStage)

    public var name: String {
        switch self {
        case .decode: DecodeStage.name
        case .document(let stage): type(of: stage).name
        case .ordered(let name, _): name
        }
    }
}

/// A stage that can appear in a pipeline file: its name, what it does, its options and output fields.
public struct StageKind: Sendable {
    public var name: String
    public var summary: String
    public var options: [OptionDescription]
    public var outputFields: [FieldDescription]
    /// Reads the options and makes the stage's steps (one, or a per-document step and its ordered half).
    let build: @Sendable (StageOptions) throws(PipelineError) -> [PipelineStep]

    /// Every stage, in the order a pipeline usually lists them.
    public static let all: [StageKind] = [
        StageKind(name: DecodeStage.name, summary: DecodeStage.summary,
                  options: DecodeStage.Configuration.optionDescriptions, outputFields: DecodeStage.outputFields) { options throws(PipelineError) in
            [.decode(DecodeStage(configuration: try .read(options)))]
        },
        StageKind(name: ExtractStage.name, summary: ExtractStage.summary,
                  options: ExtractStage.Configuration.optionDescriptions, outputFields: ExtractStage.outputFields) { options throws(PipelineError) in
            [.document(ExtractStage(configuration: try .read(options)))]
        },
        StageKind(name: CleanStage.name, summary: CleanStage.summary,
                  options: CleanStage.Configuration.optionDescriptions, outputFields: CleanStage.outputFields) { options throws(PipelineError) in
            CleanStage.steps(try .read(options))
        },
        StageKind(name: SentenceStage.name, summary: SentenceStage.summary,
                  options: SentenceStage.Configuration.optionDescriptions, outputFields: SentenceStage.outputFields) { options throws(PipelineError) in
            [.document(SentenceStage(configuration: try .read(options)))]
        },
        StageKind(name: LanguageStage.name, summary: LanguageStage.summary,
                  options: LanguageStage.Configuration.optionDescriptions, outputFields: LanguageStage.outputFields) { options throws(PipelineError) in
            [.document(LanguageStage(configuration: try .read(options)))]
        },
        StageKind(name: StatsStage.name, summary: StatsStage.summary,
                  options: StatsStage.Configuration.optionDescriptions, outputFields: StatsStage.outputFields) { options throws(PipelineError) in
            [.document(StatsStage(configuration: try .read(options)))]
        },
        StageKind(name: FilterStage.name, summary: FilterStage.summary,
                  options: FilterStage.Configuration.optionDescriptions, outputFields: []) { options throws(PipelineError) in
            [.document(FilterStage(configuration: try .read(options)))]
        },
        StageKind(name: DedupStage.name, summary: DedupStage.summary,
                  options: DedupStage.Configuration.optionDescriptions, outputFields: DedupStage.outputFields) { options throws(PipelineError) in
            DedupStage.steps(try .read(options))
        },
    ]

    public static func named(_ name: String) -> StageKind? { all.first { $0.name == name } }
}
