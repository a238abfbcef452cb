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

/// The options of a stage: only what the user can write in its pipeline-file entry, each a `@StageOption` property
/// whose initial value is its default. Models load and plans compile when the stage is made from it, not here.
public protocol StageConfiguration: Sendable, Decodable {
    /// Every option at its default.
    init()
    /// Checks that need several options, or the system, once each option is read (default: none).
    func validate(_ options: StageOptions) throws(PipelineError)
}

extension StageConfiguration {
    /// The configuration with every option at its default.
    public static var defaults: Self { Self() }

    /// Every option, with its type, default and help, in declaration order (`winnow stages` prints these).
    public static var optionDescriptions: [OptionDescription] {
        optionDeclarations(of: Self()).map(\.option.description)
    }

    public func validate(_ options: StageOptions) throws(PipelineError) {}

    /// Reads a configuration from a pipeline file's entry: each option's value (its default when absent), invalid
    /// values and unknown names reported with their position.
    public static func read(_ options: StageOptions) throws(PipelineError) -> Self {
        let declarations = optionDeclarations(of: Self())
        try options.checkNoUnknownOptions(declarations.map(\.option.description))
        var read: [String: any OptionDeclaration] = [:]
        for (property, option) in declarations { read[property] = try option.reading(options) }
        let configuration: Self
        do {
            configuration = try Self(from: OptionDecoder(options: read))
        } catch {
            preconditionFailure("\(Self.self) must hold only @StageOption properties: \(error)")
        }
        try configuration.validate(options)
        return configuration
    }
}

/// A stage that can appear in a pipeline file: its name, what it does, its options and output fields, and the steps
/// it runs as. `StageKind.all` lists one type per stage.
public protocol StageDefinition {
    associatedtype Configuration: StageConfiguration
    /// The stage's name in pipeline files and in the summary.
    static var name: String { get }
    /// One line for `winnow stages`.
    static var summary: String { get }
    /// The fields it adds to each output record.
    static var outputFields: [FieldDescription] { get }
    /// The steps `configuration` runs as: one, or a per-document step and its ordered half. `options` (what the
    /// configuration was read from) positions errors found while making them, such as a model that does not load.
    static func steps(_ configuration: Configuration, at options: StageOptions) throws(PipelineError) -> [PipelineStep]
}

extension StageDefinition {
    public static var outputFields: [FieldDescription] { [] }
    /// Where its code lives: `Sources/Winnow/Stages/` and the name capitalised (a test checks every stage's is there).
    public static var sourceFolder: String {
        "Sources/Winnow/Stages/" + name.prefix(1).uppercased() + name.dropFirst() + "/"
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

/// A stage as the pipeline reader and `winnow stages` see it: a `StageDefinition` with its options listed.
public struct StageKind: Sendable {
    public let name: String
    public let summary: String
    public let options: [OptionDescription]
    public let outputFields: [FieldDescription]
    /// The folder of its code, from the package's root.
    public let sourceFolder: String
    /// Reads the options and makes the stage's steps.
    let build: @Sendable (StageOptions) throws(PipelineError) -> [PipelineStep]

    init<Definition: StageDefinition>(_ definition: Definition.Type) {
        name = Definition.name
        summary = Definition.summary
        options = Definition.Configuration.optionDescriptions
        outputFields = Definition.outputFields
        sourceFolder = Definition.sourceFolder
        build = { options throws(PipelineError) in try Definition.steps(.read(options), at: options) }
    }

    /// Every stage, in the order a pipeline usually lists them.
    public static let all: [StageKind] =
        ([
            DecodeStage.self, ExtractStage.self, CleanStage.self, SentenceStage.self, LanguageStage.self,
            StatsStage.self,
            FilterStage.self, DedupStage.self,
        ] as [any StageDefinition.Type]).map { StageKind($0) }

    public static func named(_ name: String) -> StageKind? { all.first { $0.name == name } }
}
