import Foundation
import Testing
@testable import Winnow

/// Runs the built `winnow` binary as a user would, on Samples/ and fixtures.
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"
    ))
struct CommandLineTests {
    func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    func jsonLines(_ data: Data) throws -> [[String: Any]] {
        try text(data).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func samplesRunGivesValidJSONLIdenticalForAnyJobs() throws {
        let one = try TestSupport.runWinnow(["run", "Pipelines/news.yaml", "Samples", "--jobs", "1", "--no-progress"])
        let two = try TestSupport.runWinnow([
            "run", "Pipelines/news.yaml", "--jobs", "2", "--no-progress", "--batch-records", "2",
        ])
        #expect(one.status == 0, "\(text(one.stderr))")
        #expect(two.status == 0)
        let identical = one.stdout == two.stdout
        #expect(identical, "--jobs 1 and --jobs 2 (and other batch sizes) give the same bytes")
        let records = try jsonLines(one.stdout)
        #expect(records.count == 32)
        for record in records {
            #expect(record["id"] is String && record["text"] is String && record["metadata"] is [String: Any])
            #expect((record["source"] as? [String: Any])?["line"] is Int)
        }
        let seed = try #require(records.first { ($0["id"] as? String) == "Samples/seed-article.txt.gz" })
        #expect(
            (seed["text"] as? String)?.hasPrefix("Kosovo Set Donbas Precedent") == true,
            "the first line of a text input is kept")
        let rail = try #require(records.first { ($0["id"] as? String) == "news-en/en-rail" })
        #expect((rail["metadata"] as? [String: Any])?["published"] as? String == "2026-03-02")
        #expect(text(one.stderr).contains("read 35 = written 32 + dropped 0 + rejected 3"))
    }

    /// The whole pipeline (through stats, filter and dedup) on the samples: the same output and rejects for any
    /// jobs and batch size, every record accounted for, the samples' copies found as duplicates of their originals.
    @Test func corpusPipelineIsDeterministicAndFindsTheSamplesDuplicates() throws {
        let directory = TestSupport.temporaryDirectory()
        func run(_ extra: [String], _ name: String) throws -> (output: Data, rejects: Data, stderr: String) {
            let rejects = directory.appendingPathComponent(name).path
            let result = try TestSupport.runWinnow(
                ["run", "Pipelines/corpus.yaml", "--no-progress", "--rejects", rejects] + extra)
            #expect(result.status == 0, "\(text(result.stderr))")
            return (result.stdout, try Data(contentsOf: URL(fileURLWithPath: rejects)), text(result.stderr))
        }
        let one = try run(["--jobs", "1"], "one.jsonl")
        let two = try run(["--jobs", "2", "--batch-records", "2"], "two.jsonl")
        #expect(one.output == two.output && one.rejects == two.rejects)
        #expect(one.stderr.contains("read 35 = written 20 + dropped 12 + rejected 3"))
        let duplicates = try jsonLines(one.rejects).filter {
            ($0["dropped"] as? [String: Any])?["stage"] as? String == "dedup"
        }
        #expect(duplicates.count == 6)
        let kept = Set(try jsonLines(one.output).compactMap { $0["id"] as? String })
        for duplicate in duplicates {
            let original = try #require((duplicate["dedup"] as? [String: Any])?["duplicate_of"] as? String)
            #expect(kept.contains(original), "a duplicate points at a document that was written")
        }
        for record in try jsonLines(one.output) {
            #expect(record["stats"] is [String: Any] && record["dedup"] is [String: Any])
        }
    }

    /// The bundled model names each sample's language as its `lang` says, and its script.
    @Test func languageMatchesTheSamplesDeclaredLanguages() throws {
        let result = try TestSupport.runWinnow([
            "run", "Pipelines/news.yaml", "Samples/news-multi.jsonl.gz", "--no-progress",
        ])
        #expect(result.status == 0, "\(text(result.stderr))")
        let records = try jsonLines(result.stdout)
        #expect(records.count == 16)
        for record in records {
            let declared = try #require((record["metadata"] as? [String: Any])?["lang"] as? String)
            #expect(record["language"] as? String == declared, "\(record["id"] ?? "")")
            #expect((record["language_score"] as? Double ?? 0) > 0.9)
            #expect((record["languages"] as? [[String: Any]])?.count == 3)
            #expect(record["script"] as? String == (declared == "ru" ? "Cyrl" : "Latn"))
        }
    }

    /// The model is inside the binary: a copy elsewhere still identifies languages. Other models are found in
    /// $WINNOW_MODELS.
    @Test func theBinaryCarriesItsModelAndFindsOthersInWinnowModels() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("winnow")
        try FileManager.default.copyItem(at: try #require(TestSupport.winnowBinary), to: copy)
        let input = directory.appendingPathComponent("in.jsonl")
        TestSupport.write(
            Array(#"{"id":"1","text":"Das ist ein kleiner deutscher Satz über Sprachen."}"#.utf8) + [0x0A], to: input)
        let pipeline = directory.appendingPathComponent("p.yaml")
        TestSupport.write(
            Array(
                "version: 1\nstages:\n  - language: {}\n  - language: {model: tiny-softmax.bin, field: quality, script: false}\n"
                    .utf8), to: pipeline)
        let result = try TestSupport.runWinnow(
            ["run", pipeline.path, input.path, "--no-progress"], binary: copy,
            environment: ["WINNOW_MODELS": TestSupport.fixture("language")])
        #expect(result.status == 0, "\(text(result.stderr))")
        let record = try #require(try jsonLines(result.stdout).first)
        #expect(record["language"] as? String == "de")
        #expect(record["quality"] is String && record["quality_labels"] is [Any])
        let missing = try TestSupport.runWinnow(
            ["validate", pipeline.path], binary: copy, environment: ["WINNOW_MODELS": directory.path])
        #expect(missing.status != 0)
        #expect(text(missing.stderr).contains("p.yaml:4:"), "\(text(missing.stderr))")
    }

    @Test func theSeedArticleLosesItsCommentFormAndKeepsItsStory() throws {
        let result = try TestSupport.runWinnow([
            "run", "Pipelines/news.yaml", "Samples/seed-article.txt.gz", "--no-progress",
        ])
        #expect(result.status == 0)
        let record = try #require(try jsonLines(result.stdout).first)
        let text = try #require(record["text"] as? String)
        for footer in ["Be the first to comment", "Leave a Reply", "Your email address will not be published."] {
            #expect(!text.contains(footer), "\(footer)")
        }
        #expect(!text.split(separator: "\n").contains("*"))
        let original = TestSupport.drain(
            DecompressingReader(
                source: try FileSource(
                    path: TestSupport.packageRoot.appendingPathComponent("Samples/seed-article.txt.gz").path)))
        let story = String(decoding: original.bytes, as: UTF8.self).components(separatedBy: "Be the first to comment")[
            0]
        let paragraphs = story.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        #expect(paragraphs.count == 9, "the title and eight paragraphs")
        for paragraph in paragraphs { #expect(text.contains(paragraph), "\(paragraph.prefix(40))") }
        #expect((record["clean"] as? [String: Any])?["removed_lines"] as? Int == 4)
    }

    @Test func malformedRecordsGoToRejectsWithTheirLines() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rejectsPath = directory.appendingPathComponent("rejects.jsonl").path
        let result = try TestSupport.runWinnow([
            "run", "Pipelines/news.yaml", "Samples/malformed.jsonl.gz", "--rejects", rejectsPath, "--no-progress",
        ])
        #expect(result.status == 0, "rejected records do not fail a run")
        let records = try jsonLines(result.stdout)
        #expect(
            records.compactMap { $0["id"] as? String } == [
                "bad/good-1", "bad/invalid-utf8", "bad/lone-surrogate", "bad/good-2",
            ])
        #expect(
            records[1]["text"] as? String == "café crème", "Latin-1 bytes in a JSON string are read as Windows-1252")
        #expect(records[1]["encoding"] as? String == "windows-1252")
        let rejects = try jsonLines(try Data(contentsOf: URL(fileURLWithPath: rejectsPath)))
        #expect(rejects.map { ($0["source"] as? [String: Any])?["line"] as? Int } == [2, 3, 4])
        #expect(
            (records[2]["text"] as? String)?.contains("\u{FFFD}") == true
                && records[2]["replaced_sequences"] as? Int == 1,
            "a lone surrogate escape becomes U+FFFD, counted")
        #expect(
            rejects.allSatisfy { ($0["source"] as? [String: Any])?["file"] as? String == "Samples/malformed.jsonl.gz" })
        let errors = rejects.compactMap { $0["error"] as? String }
        #expect(errors[0].contains("unterminated string"))
        #expect(errors[1].contains("no field 'text'"))
        #expect(errors[2].contains("field 'text' is a number"))
        #expect(strictFails())
    }

    func strictFails() -> Bool {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.jsonl").path
        guard
            let result = try? TestSupport.runWinnow([
                "run", "Pipelines/news.yaml", "Samples/malformed.jsonl.gz", "--strict", "-o", output,
            ])
        else { return false }
        return result.status == 1 && !FileManager.default.fileExists(atPath: output)
            && (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.isEmpty == true
    }

    @Test func truncatedGzipNamesTheFileAndKeepsTheRecordsBeforeTheCut() throws {
        let fixture = "Tests/WinnowTests/Fixtures/truncated.jsonl.gz"
        let result = try TestSupport.runWinnow([
            "run", "Pipelines/news.yaml", fixture, "Samples/news-en.jsonl.gz", "--no-progress",
        ])
        #expect(result.status == 1, "an input that cannot be read to its end fails the run")
        #expect(text(result.stderr).contains("truncated.jsonl.gz"))
        #expect(text(result.stderr).contains("truncated gzip stream"))
        let ids = try jsonLines(result.stdout).compactMap { $0["id"] as? String }
        #expect(ids.filter { $0.hasPrefix("r") }.count >= 20, "the records before the cut come out")
        #expect(ids.filter { $0.hasPrefix("news-en/") }.count == 7, "the other inputs are still read")
    }

    /// Issue 19: a name that asks for a format Winnow cannot write is refused before anything is read or written.
    @Test func anOutputNameOfAnotherFormatIsRefused() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, format) in [
            ("out.parquet", "Parquet"), ("out.jsonl.xz", "xz"), ("out.jsonl.bz2", "bzip2"), ("out.jsonl.lz4", "lz4"),
        ] {
            let path = directory.appendingPathComponent(name).path
            let result = try TestSupport.runWinnow([
                "run", "Pipelines/news.yaml", "Samples", "-o", path, "--no-progress",
            ])
            #expect(result.status == 1, "\(name)")
            #expect(
                text(result.stderr).contains("cannot write \(format)") && text(result.stderr).contains(name),
                "\(text(result.stderr))")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty,
                "nothing is written for \(name)")
        }
        let fine = directory.appendingPathComponent("out.jsonl.gz").path
        #expect(
            try TestSupport.runWinnow(["run", "Pipelines/news.yaml", "Samples", "-o", fine, "--no-progress"]).status
                == 0)
    }

    @Test func badPipelineFilesExitTwoWithAPosition() throws {
        let unknown = try TestSupport.runWinnow(["validate", "Tests/WinnowTests/Fixtures/unknown-stage.yaml"])
        #expect(unknown.status == 2)
        #expect(
            text(unknown.stderr).contains(
                "unknown-stage.yaml:4:5: unknown stage 'nosuchstage' (stages: decode, extract, clean, sentences, language, stats, filter, dedup)"
            ))
        let option = try TestSupport.runWinnow(["run", "Tests/WinnowTests/Fixtures/bad-option.yaml", "Samples"])
        #expect(option.status == 2)
        #expect(text(option.stderr).contains("bad-option.yaml:4:15"))
        #expect(text(option.stderr).contains("auto | jsonl | text | warc"))
        #expect(option.stdout.isEmpty)
        let valid = try TestSupport.runWinnow(["validate", "Pipelines/news.yaml"])
        #expect(valid.status == 0)
        let usage = try TestSupport.runWinnow(["run", "Pipelines/news.yaml", "--jobs", "0"])
        #expect(usage.status == 2)
        let missing = try TestSupport.runWinnow(["run", "Pipelines/news.yaml", "no/such/input.jsonl"])
        #expect(missing.status == 1)
        #expect(text(missing.stderr).contains("no/such/input.jsonl"))
    }

    @Test func shardsPartitionTheInputs() throws {
        let whole = try TestSupport.runWinnow(["run", "Pipelines/news.yaml", "Samples", "--no-progress"])
        var lines: [Substring] = []
        for index in 1...3 {
            let part = try TestSupport.runWinnow([
                "run", "Pipelines/news.yaml", "Samples", "--shard", "\(index)/3", "--no-progress",
            ])
            #expect(part.status == 0)
            lines += text(part.stdout).split(separator: "\n")
        }
        #expect(
            lines.sorted() == text(whole.stdout).split(separator: "\n").sorted(), "every record in exactly one shard")
        #expect(try TestSupport.runWinnow(["run", "Pipelines/news.yaml", "--shard", "4/3"]).status == 2)
    }

    @Test func aMissingOutputDirectoryIsARuntimeError() throws {
        let result = try TestSupport.runWinnow(["run", "Pipelines/news.yaml", "-o", "/no/such/directory/out.jsonl"])
        #expect(result.status == 1)
        #expect(text(result.stderr).contains("directory '/no/such/directory' does not exist"))
    }

    @Test func stagesListsOptionsAndFields() throws {
        let result = try TestSupport.runWinnow(["stages"])
        #expect(result.status == 0)
        for expected in [
            "decode:", "format: auto | jsonl | text | warc = auto", "text_field: string = text", "clean:",
            "normalize: nfc | nfkc | none = nfc", "output fields:",
        ] {
            #expect(text(result.stdout).contains(expected), "\(expected)")
        }
    }

    /// Issue 21: docs/reference.md is what `winnow stages --markdown` prints, so it never drifts from the code.
    @Test func theReferenceIsCurrent() throws {
        let result = try TestSupport.runWinnow(["stages", "--markdown"])
        #expect(result.status == 0)
        let committed = try Data(contentsOf: TestSupport.packageRoot.appendingPathComponent("docs/reference.md"))
        let current = result.stdout == committed
        #expect(current, "docs/reference.md is stale: swift run winnow stages --markdown > docs/reference.md")
        for expected in [
            "## dedup", "| `keep` | first \\| longest | `first` |", "| `chars` | integer |", "### winnow slurm",
            "USAGE: winnow run",
        ] {
            #expect(text(result.stdout).contains(expected), "\(expected)")
        }
        // Each stage's code is where the reference says, in a file named after its type.
        for kind in StageKind.all {
            let folder = TestSupport.packageRoot.appendingPathComponent(kind.sourceFolder).path
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            #expect(
                files.contains { $0.hasSuffix("Stage.swift") }, "\(kind.name): no stage file in \(kind.sourceFolder)")
            #expect(text(result.stdout).contains("Code: [`\(kind.sourceFolder)`]"), "\(kind.name)")
        }
    }

    @Test func stdinGzipOutputAndStatsFile() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.jsonl.gz").path
        let stats = directory.appendingPathComponent("stats.json").path
        let input = URL(fileURLWithPath: TestSupport.fixture("two-members.jsonl.gz"))
        let result = try TestSupport.runWinnow(
            ["run", "Pipelines/news.yaml", "-", "-o", output, "--stats", stats], stdin: input)
        #expect(result.status == 0, "\(text(result.stderr))")
        #expect(result.stdout.isEmpty)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
        let decompressed = TestSupport.drain(DecompressingReader(source: MemorySource(bytes)))
        #expect(decompressed.error == nil)
        let lines = try jsonLines(Data(decompressed.bytes))
        #expect(lines.count == 40)
        #expect((lines[0]["source"] as? [String: Any])?["file"] as? String == "-")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stats))) as? [String: Any])
        #expect(summary["read"] as? Int == 40 && summary["written"] as? Int == 40)
        #expect(
            (summary["stages"] as? [[String: Any]])?.map { $0["name"] as? String } == [
                "decode", "clean", "repeated_lines", "sentences", "language", "output",
            ])
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func aSignalLeavesNoFinishedOutputAndExits128PlusItsNumber(_ signal: Int32, _ status: Int32) throws {
        guard let binary = TestSupport.winnowBinary else { return }
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.jsonl").path
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "run", TestSupport.packageRoot.appendingPathComponent("Pipelines/news.yaml").path, "-", "-o", output,
        ]
        let input = Pipe()
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(#"{"id": "a", "text": "some text"}"#.utf8 + [0x0A]))
        // Interrupt once the run has begun: its temporary output exists (the signal trap is set before it). A fixed
        // sleep was too short for a binary built with a sanitizer.
        for _ in 0..<200 where (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.isEmpty != false
        {
            usleep(50_000)
        }
        usleep(100_000)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == status)
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(
            (try FileManager.default.contentsOfDirectory(atPath: directory.path)).isEmpty,
            "no temporary file is left behind")
    }

    @Test func benchReportsEveryStageAndBothJobCounts() throws {
        let result = try TestSupport.runWinnow([
            "bench", "Pipelines/news.yaml", "Samples", "--jobs", "2", "--runs", "1", "--json",
        ])
        #expect(result.status == 0, "\(text(result.stderr))")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let results = try #require(report["results"] as? [[String: Any]])
        #expect(results.map { $0["jobs"] as? Int } == [1, 2])
        #expect(
            (results[0]["stages"] as? [[String: Any]])?.map { $0["name"] as? String } == [
                "decode", "clean", "repeated_lines", "sentences", "language", "output",
            ])
        #expect(report["peak_rss_bytes"] as? Int ?? 0 > 0)
    }
}
