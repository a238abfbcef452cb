import Testing
@testable import Winnow

@Suite struct PipelineTests {
    func error(_ yaml: String) -> PipelineError? {
        do {
            _ = try Pipeline.parse(yaml, file: "p.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aFullPipelineLoadsWithTypedOptions() throws {
        let pipeline = try Pipeline.parse(
            """
            version: 1
            name: news-en
            input:
              paths: [Samples, more/]
            stages:
              - decode: { format: jsonl, text_field: body, id_field: uid }
              - clean: { normalize: none }
            output:
              path: out/news.jsonl.gz
              compression_level: 6
            """, file: "p.yaml")
        #expect(pipeline.compressionLevel == 6)
        #expect(pipeline.name == "news-en")
        #expect(pipeline.inputPaths == ["Samples", "more/"])
        #expect(pipeline.outputPath == "out/news.jsonl.gz")
        #expect(pipeline.steps.map(\.name) == ["decode", "clean", "repeated_lines"])
        #expect(pipeline.decode.configuration.format == .jsonl)
        #expect(pipeline.decode.configuration.textField == "body")
        guard case .document(let clean as CleanStage) = pipeline.steps[1] else { Issue.record("clean missing"); return }
        #expect(clean.configuration.normalize == .none)
    }

    @Test func decodeDefaultsApplyWhenItIsOmitted() throws {
        let pipeline = try Pipeline.parse("{\"version\": 1, \"stages\": [{\"clean\": {}}]}", file: "p.json")
        #expect(pipeline.steps.map(\.name) == ["decode", "clean", "repeated_lines"])
        #expect(pipeline.decode.configuration.textField == "text")
        #expect(pipeline.decode.configuration.format == .auto)
    }

    @Test func unknownStageNamesItsPositionAndTheValidStages() {
        let problem = error("version: 1\nstages:\n  - clean: {}\n  - nosuchstage: {}\n")
        #expect(problem?.line == 4)
        #expect(problem?.column == 5)
        #expect(problem?.description.contains("p.yaml:4:5") == true)
        #expect(problem?.message.contains("decode, extract, clean") == true)
    }

    @Test func optionErrorsArePositioned() {
        let unknown = error("version: 1\nstages:\n  - clean: { normalise: nfc }\n")
        #expect(unknown?.line == 3)
        #expect(unknown?.message.contains("unknown option 'normalise'") == true)
        #expect(unknown?.message.contains("normalize, punctuation, mojibake") == true)

        let choice = error("version: 1\nstages:\n  - decode:\n      format: xml\n")
        #expect(choice?.line == 4 && choice?.column == 15)
        #expect(choice?.message.contains("auto | jsonl | text | warc") == true)

        let type = error("version: 1\nstages:\n  - clean: { drop_empty: maybe }\n")
        #expect(type?.message.contains("expected true or false") == true)

        let empty = error("version: 1\nstages:\n  - decode: { text_field: '' }\n")
        #expect(empty?.message.contains("must not be empty") == true)
    }

    @Test func structuralErrors() {
        #expect(error("")?.message.contains("empty") == true)
        #expect(error("stages: []")?.message.contains("version") == true)
        #expect(error("version: 2\nstages: []")?.message.contains("unsupported version") == true)
        #expect(error("version: 1")?.message.contains("stages") == true)
        #expect(error("version: 1\nstages:\n  - clean\n")?.message.contains("one-key map") == true)
        #expect(error("version: 1\nstages:\n  - clean: {}\n  - decode: {}\n")?.message.contains("first") == true)
        #expect(
            error("version: 1\nstages: []\noutput: {compression_level: 0}\n")?.message.contains("1 (fastest) to 9")
                == true)
        #expect(error("version: 1\nstagez: []\n")?.message.contains("unknown key 'stagez'") == true)
        #expect(error("version: 1\nstages: [\n")?.line != nil, "YAML syntax errors carry a position")
    }

    /// A configuration as a stage declares one: each option once, its default the initial value.
    struct ExampleConfiguration: StageConfiguration {
        @StageOption("n", in: 1...10, help: "a number") var n = 5
        @StageOption("label", help: "a name", check: { $0.isEmpty ? "must not be empty" : nil }) var label = "x"
        @StageOption("kinds", help: "some kinds") var kinds: [String] = []
        init() {}
    }

    @Test func optionsAreReadThroughTheirOneDeclaration() throws {
        let read = { (yaml: String) throws in try ExampleConfiguration.read(StageOptions(stage: "s", yaml: yaml)) }
        #expect(try read("{}").n == 5)
        #expect(try read("{n: 10, label: y, kinds: [a, b]}").n == 10)
        #expect(try read("{n: 10, label: y, kinds: [a, b]}").label == "y")
        #expect(try read("{kinds: [a, b]}").kinds == ["a", "b"])
        var range: PipelineError?
        do { _ = try read("{label: y,\n n: 11}") } catch { range = error as? PipelineError }
        #expect(range?.message == "option 'n' of stage 's' must be between 1 and 10, got 11")
        #expect(range?.line == 2, "the error points at the value")
        var check: PipelineError?
        do { _ = try read("{label: ''}") } catch { check = error as? PipelineError }
        #expect(check?.message == "option 'label' of stage 's' must not be empty")
        var unknown: PipelineError?
        do { _ = try read("{n: 2, m: 3}") } catch { unknown = error as? PipelineError }
        #expect(unknown?.message == "unknown option 'm' for stage 's' (valid options: n, label, kinds)")
        // What `winnow stages` lists comes from the same declarations, in their order.
        let described = ExampleConfiguration.optionDescriptions
        #expect(described.map(\.name) == ["n", "label", "kinds"])
        #expect(described.map(\.defaultValue) == ["5", "x", "[]"])
        #expect(described.map(\.type) == ["integer", "string", "list of strings"])
        #expect(described.map(\.help) == ["a number", "a name", "some kinds"])
    }

    @Test func everyStageDescribesItsOptionsAndFields() {
        for kind in StageKind.all {
            #expect(!kind.summary.isEmpty)
            // `filter` only drops documents; every other stage adds fields.
            #expect(!kind.outputFields.isEmpty || kind.name == FilterStage.name, "\(kind.name)")
            #expect(Set(kind.options.map(\.name)).count == kind.options.count)
        }
    }
}
