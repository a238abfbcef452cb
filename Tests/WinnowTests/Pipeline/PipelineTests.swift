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
        let pipeline = try Pipeline.parse("""
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
        #expect(error("version: 1\nstages: []\noutput: {compression_level: 0}\n")?.message.contains("1 (fastest) to 9") == true)
        #expect(error("version: 1\nstagez: []\n")?.message.contains("unknown key 'stagez'") == true)
        #expect(error("version: 1\nstages: [\n")?.line != nil, "YAML syntax errors carry a position")
    }

    @Test func rangeChecks() throws {
        let option = StageOption<Int>("n", default: 5, in: 1...10, help: "")
        #expect(throws: PipelineError.self) { try StageOptions(stage: "s", yaml: "{n: 11}").value(option) }
        #expect(try StageOptions(stage: "s", yaml: "{n: 10}").value(option) == 10)
        #expect(try StageOptions(stage: "s", yaml: "{}").value(option) == 5)
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
