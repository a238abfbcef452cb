import Foundation
import Testing
@testable import Winnow

/// Issue 19, items 6 and 8: what a batch job needs from the command line — reject reasons, a reject budget, hints,
/// the version, array-task shards, pipeline-relative paths and globs.
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"
    ))
struct BatchJobTests {
    func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    func run(
        _ arguments: [String], environment: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try TestSupport.runWinnow(arguments, environment: environment)
        return (result.status, text(result.stdout), text(result.stderr))
    }

    @Test func theSummaryCountsRejectsByReasonAndAnAllRejectedRunWarns() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("no-text.jsonl")
        try (0..<50).map { #"{"id": "r\#($0)", "body": "text under another name"}"# }.joined(separator: "\n").write(
            to: input, atomically: true, encoding: .utf8)
        let stats = directory.appendingPathComponent("stats.json").path
        let outcome = try run(["run", "Pipelines/news.yaml", input.path, "--no-progress", "--stats", stats])
        #expect(outcome.stderr.contains("decode rejected: missing_text 50"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("WARNING: every record read (50) was rejected"), "\(outcome.stderr)")
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stats))) as! [String: Any]
        let decode = (json["stages"] as! [[String: Any]]).first { $0["name"] as? String == "decode" }!
        #expect((decode["reject_reasons"] as? [String: Int]) == ["missing_text": 50])
        // The stats file reads back with its reasons (`winnow stats` merges them).
        let merged = try run(["stats", "merge", stats, stats])
        #expect(
            merged.status == 0 && merged.stdout.contains(#""reject_reasons":{"missing_text":100}"#), "\(merged.stderr)")
    }

    @Test func maxRejectRatioFailsTheRunWhenMoreAreRejected() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("mixed.jsonl")
        let lines =
            (0..<9).map { #"{"id": "ok\#($0)", "text": "A good record number \#($0) with enough words in it."}"# } + [
                "{not json"
            ]
        try lines.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.jsonl").path
        let strictEnough = try run([
            "run", "Pipelines/news.yaml", input.path, "-o", output, "--no-progress", "--max-reject-ratio", "0.05",
        ])
        #expect(
            strictEnough.status == 1 && strictEnough.stderr.contains("1 of 10 records (10.00%) were rejected"),
            "\(strictEnough.stderr)")
        #expect(strictEnough.stderr.contains("malformed_json 1"))
        #expect(!FileManager.default.fileExists(atPath: output), "a failed run keeps no output")
        let lenient = try run([
            "run", "Pipelines/news.yaml", input.path, "-o", output, "--no-progress", "--max-reject-ratio", "0.2",
        ])
        #expect(lenient.status == 0 && FileManager.default.fileExists(atPath: output), "\(lenient.stderr)")
        #expect(try run(["run", "Pipelines/news.yaml", input.path, "--max-reject-ratio", "2"]).status == 2)
    }

    @Test func aJSONArrayFileIsOneErrorWithTheRemedy() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("records.json")
        try "[\n  {\"id\": \"a\", \"text\": \"One.\"},\n  {\"id\": \"b\", \"text\": \"Two.\"}\n]\n".write(
            to: input, atomically: true, encoding: .utf8)
        let outcome = try run(["run", "Pipelines/news.yaml", input.path, "--no-progress"])
        #expect(outcome.status == 1)
        #expect(
            outcome.stderr.contains("a JSON array, not JSON Lines") && outcome.stderr.contains("jq -c '.[]'"),
            "\(outcome.stderr)")
        #expect(
            outcome.stderr.contains("rejected: unsupported_format 1"), "one reject, not one per line: \(outcome.stderr)"
        )
    }

    @Test func versionNamesTheCommit() throws {
        let outcome = try run(["--version"])
        #expect(
            outcome.status == 0 && outcome.stdout.hasPrefix("winnow \(Winnow.version) (commit "), "\(outcome.stdout)")
    }

    /// The ids each shard writes.
    func ids(_ arguments: [String], environment: [String: String] = [:]) throws -> Set<String> {
        let outcome = try run(
            ["run", "Pipelines/news.yaml", "Samples", "--no-progress"] + arguments, environment: environment)
        #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)")
        return Set(
            outcome.stdout.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))).flatMap {
                    ($0 as? [String: Any])?["id"] as? String
                }
            })
    }

    @Test func shardsCountFromZeroOrComeFromTheArrayTask() throws {
        let oneBased = try (1...3).map { try ids(["--shard", "\($0)/3"]) }
        let zeroBased = try (0...2).map { try ids(["--shard", "\($0)/3", "--shard-base", "0"]) }
        #expect(oneBased == zeroBased)
        #expect(oneBased.reduce(Set()) { $0.union($1) } == (try ids([])), "the shards together are the whole")
        let slurm = try (0...2).map {
            try ids(
                ["--shard", "auto/3"], environment: ["SLURM_ARRAY_TASK_ID": "\($0 + 5)", "SLURM_ARRAY_TASK_MIN": "5"])
        }
        #expect(slurm == zeroBased)
        #expect(try ids(["--shard", "auto/3"], environment: ["JOB_COMPLETION_INDEX": "1"]) == zeroBased[1])
        let missing = try run(["run", "Pipelines/news.yaml", "Samples", "--shard", "auto/3"])
        #expect(missing.status == 2 && missing.stderr.contains("SLURM_ARRAY_TASK_ID"), "\(missing.stderr)")
        #expect(try run(["run", "Pipelines/news.yaml", "Samples", "--shard", "3/3", "--shard-base", "0"]).status == 2)
    }

    @Test func pipelinePathsStartAtThePipelinesFolderAndGlobsExpand() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in ["news-en.jsonl.gz", "news-multi.jsonl.gz", "notiz-de.txt.gz"] {
            try FileManager.default.copyItem(
                at: TestSupport.packageRoot.appendingPathComponent("Samples/\(name)"),
                to: data.appendingPathComponent(name))
        }
        let pipeline = directory.appendingPathComponent("jobs/p.yaml")
        try FileManager.default.createDirectory(
            at: pipeline.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "version: 1\ninput:\n  paths: ['../data/*.jsonl.gz']\nstages:\n  - decode: {}\n".write(
            to: pipeline, atomically: true, encoding: .utf8)
        // Run from the package root: the paths are the pipeline file's, not the working directory's.
        let outcome = try run(["run", pipeline.path, "--no-progress"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("2/2 inputs"), "the glob matches the two JSONL files: \(outcome.stderr)")
        // A quoted glob on the command line expands too; one that matches nothing is an error naming it.
        let quoted = try run(["run", pipeline.path, data.path + "/*.txt.gz", "--no-progress"])
        #expect(quoted.status == 0 && quoted.stderr.contains("1/1 inputs"), "\(quoted.stderr)")
        let none = try run(["run", pipeline.path, data.path + "/*.warc.gz", "--no-progress"])
        #expect(none.status == 1 && none.stderr.contains("no file matches the pattern"), "\(none.stderr)")
    }

    @Test func outsideATerminalProgressIsAHeartbeatOfPlainLines() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("many.jsonl")
        try (0..<15_000).map { #"{"id": "d\#($0)", "text": "Document \#($0) says something short."}"# }.joined(
            separator: "\n"
        )
        .write(to: input, atomically: true, encoding: .utf8)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try "version: 1\nstages:\n  - decode: {}\n".write(to: pipeline, atomically: true, encoding: .utf8)
        let outcome = try run([
            "run", pipeline.path, input.path, "-o", "/dev/null", "--jobs", "1", "--log-every", "0.005",
        ])
        #expect(outcome.status == 0)
        let beats = outcome.stderr.split(separator: "\n").filter {
            $0.hasPrefix("winnow: ") && $0.contains(" inputs · ")
        }
        #expect(!beats.isEmpty, "\(outcome.stderr)")
        #expect(
            !outcome.stderr.contains("\r")
                && beats.allSatisfy { $0.contains("% · ") && $0.contains("MB/s of input (as stored)") })
    }

    @Test func theBenchTableStaysAlignedForLongStageNames() throws {
        let outcome = try run(["bench", "Pipelines/news.yaml", "Samples", "--runs", "1", "--jobs", "1"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let rows = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(rows.contains { $0.contains("repeated_lines") }, "\(outcome.stdout)")
        #expect(Set(rows.map(\.count)).count == 1, "every row as wide as the header:\n\(outcome.stdout)")
    }
}
