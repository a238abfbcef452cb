import Foundation
import Testing
@testable import Winnow

/// Bad input and faults, end to end through the built `winnow`: every case gives a clear error naming the file and
/// line or byte offset, the good records around it still come out, `read = written + dropped + rejected` holds, and
/// no output file is left looking finished when the run failed.
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"
    ))
struct BadInputTests {
    /// What a run gave: exit status, output records, rejects, the `--stats` summary and stderr.
    struct Outcome {
        var status: Int32
        var records: [[String: Any]]
        var rejects: [[String: Any]]
        var summary: [String: Any]
        var stderr: String

        var ids: [String] { records.compactMap { $0["id"] as? String } }
        /// The peak RSS the summary on stderr reports (`peak RSS 58.0 MB`); 0 when absent.
        var peakResidentMegabytes: Double {
            guard let match = stderr.firstMatch(of: /peak RSS ([0-9.]+) (kB|MB|GB)/), let value = Double(match.1) else {
                return 0
            }
            return value * (match.2 == "kB" ? 0.001 : match.2 == "GB" ? 1000 : 1)
        }
        func int(_ key: String) -> Int { summary[key] as? Int ?? -1 }
    }

    static let decodeOnly = "version: 1\nstages:\n  - decode: {}\n"

    /// Runs `winnow run` on `inputs` (paths relative to `directory`) with `--rejects` and `--stats`, and checks the
    /// summary's accounting.
    func run(
        _ inputs: [String], in directory: URL, pipeline: String = decodeOnly, extra: [String] = []
    ) throws -> Outcome {
        let pipelinePath = directory.appendingPathComponent("pipeline.yaml").path
        try pipeline.write(toFile: pipelinePath, atomically: true, encoding: .utf8)
        let rejects = directory.appendingPathComponent("rejects.jsonl"),
            stats = directory.appendingPathComponent("stats.json")
        let paths = inputs.map { $0.hasPrefix("/") ? $0 : directory.appendingPathComponent($0).path }
        let result = try TestSupport.runWinnow(
            ["run", pipelinePath] + paths + ["--rejects", rejects.path, "--stats", stats.path, "--no-progress"] + extra)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: stats)) as? [String: Any])
        let outcome = Outcome(
            status: result.status, records: try Self.jsonLines(result.stdout),
            rejects: (try? Self.jsonLines(Data(contentsOf: rejects))) ?? [], summary: summary,
            stderr: String(decoding: result.stderr, as: UTF8.self))
        #expect(
            outcome.int("read") == outcome.int("written") + outcome.int("dropped") + outcome.int("rejected")
                + (summary["not_finished"] as? Int ?? 0),
            "read = written + dropped + rejected (+ not finished, after a write error)")
        if !extra.contains("-o") { #expect(outcome.int("written") == outcome.records.count) }
        return outcome
    }

    static func jsonLines(_ data: Data) throws -> [[String: Any]] {
        try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func goodLines(_ prefix: String, _ count: Int) -> String {
        (0..<count).map {
            #"{"id": "\#(prefix)\#($0)", "text": "Record \#($0) of \#(prefix), a line of its own."}"# + "\n"
        }.joined()
    }

    // MARK: - gzip

    @Test func truncatedGzipAtAnyOffsetKeepsEverythingBeforeTheCut() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = TestSupport.gzip(Self.goodLines("t", 400))
        TestSupport.write(
            TestSupport.gzip(Self.goodLines("after", 3)), to: directory.appendingPathComponent("z-after.jsonl.gz"))
        for cut in [10, whole.count / 4, whole.count / 2, whole.count * 3 / 4, whole.count - 4, whole.count - 1] {
            TestSupport.write(Array(whole[..<cut]), to: directory.appendingPathComponent("cut.jsonl.gz"))
            let outcome = try run(["cut.jsonl.gz", "z-after.jsonl.gz"], in: directory)
            #expect(outcome.status == 1, "an input that cannot be read to its end fails the run")
            #expect(outcome.stderr.contains("cut.jsonl.gz: truncated gzip stream"), "\(cut)")
            #expect(outcome.stderr.contains("at compressed byte \(cut)"), "\(cut)")
            let cutIDs = outcome.ids.filter { $0.hasPrefix("t") }
            #expect(cutIDs == (0..<cutIDs.count).map { "t\($0)" }, "the records before the cut, in order")
            if cut >= whole.count - 4 { #expect(cutIDs.count == 400, "only the trailer is missing") }
            #expect(outcome.ids.filter { $0.hasPrefix("after") }.count == 3, "the next input is still read")
            #expect(
                (outcome.summary["input_errors"] as? [[String: Any]])?.first?["file"] as? String
                    == directory.appendingPathComponent("cut.jsonl.gz").path)
        }
    }

    @Test(arguments: [
        ("corrupt deflate data", -200, "corrupt gzip data"),
        ("a bad CRC", -8, "incorrect data check"),
        ("a bad length", -1, "incorrect length check"),
    ])
    func damagedGzipNamesTheFileAndTheOffset(_ what: String, _ offsetFromEnd: Int, _ message: String) throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var bytes = TestSupport.gzip(Self.goodLines("d", 400))
        bytes[bytes.count + offsetFromEnd] ^= 0x55
        TestSupport.write(bytes, to: directory.appendingPathComponent("damaged.jsonl.gz"))
        TestSupport.write(Array(Self.goodLines("after", 2).utf8), to: directory.appendingPathComponent("z-after.jsonl"))
        let outcome = try run(["damaged.jsonl.gz", "z-after.jsonl"], in: directory)
        #expect(outcome.status == 1, "\(what)")
        #expect(
            outcome.stderr.contains("damaged.jsonl.gz: \(message)")
                || outcome.stderr.contains("damaged.jsonl.gz: corrupt gzip data"), "\(what): \(outcome.stderr)")
        #expect(outcome.stderr.contains("at compressed byte"), "\(what)")
        #expect(outcome.ids.filter { $0.hasPrefix("after") }.count == 2)
    }

    // MARK: - Files and paths

    @Test func emptyFilesAndDirectoriesGiveNoRecordsAndNoError() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        TestSupport.write([], to: directory.appendingPathComponent("zero.jsonl"))
        TestSupport.write([], to: directory.appendingPathComponent("zero.jsonl.gz"))
        TestSupport.write(GzipEncoder.member([]), to: directory.appendingPathComponent("empty-member.jsonl.gz"))
        _ = directory.appendingPathComponent("empty-directory", isDirectory: true).creatingDirectory()
        let outcome = try run(
            ["zero.jsonl", "zero.jsonl.gz", "empty-member.jsonl.gz", "empty-directory"], in: directory)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.records.isEmpty && outcome.int("read") == 0)
    }

    @Test func anUnreadableInputIsNamedAndTheOthersAreRead() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        TestSupport.write(Array(Self.goodLines("g", 3).utf8), to: directory.appendingPathComponent("good.jsonl"))
        // Reading /proc/self/mem from its start fails with EIO: a file that opens but cannot be read (file modes do
        // not stop root, who runs CI).
        let outcome = try run(["/proc/self/mem", "good.jsonl"], in: directory)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/proc/self/mem: read failed: Input/output error"))
        #expect(outcome.ids == ["g0", "g1", "g2"])
    }

    @Test func missingPathsAndDirectoriesWhereAFileBelongsAreClearErrors() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try TestSupport.runWinnow([
            "run", "Pipelines/news.yaml", directory.appendingPathComponent("nope.jsonl").path,
        ])
        #expect(missing.status == 1)
        #expect(String(decoding: missing.stderr, as: UTF8.self).contains("nope.jsonl: no such file or directory"))
        let outputDirectory = try TestSupport.runWinnow(["run", "Pipelines/news.yaml", "Samples", "-o", directory.path])
        #expect(outputDirectory.status == 1)
        #expect(
            String(decoding: outputDirectory.stderr, as: UTF8.self).contains(
                "cannot write the output: it is a directory"))
        #expect(
            !String(decoding: outputDirectory.stderr, as: UTF8.self).contains("read "),
            "refused before any input is read")
        let pipelineDirectory = try TestSupport.runWinnow(["run", directory.path, "Samples"])
        #expect(pipelineDirectory.status == 2)
        #expect(
            String(decoding: pipelineDirectory.stderr, as: UTF8.self).contains(
                "cannot read the pipeline file: is a directory"))
        #expect((try FileManager.default.contentsOfDirectory(atPath: directory.path)).isEmpty, "nothing written")
    }

    // MARK: - Records

    @Test func malformedRecordsAreRejectedWithTheirLinesAndTheRestComesOut() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SeededGenerator(seed: 8)
        let garbage = (0..<300).map { _ in UInt8.random(in: 0x0B...0xFF, using: &generator) }
        let lines: [[UInt8]] = [
            Array(#"{"id": "good-1", "text": "first"}"#.utf8),
            Array(#"{"id": "number", "text": 5}"#.utf8),
            Array(#"{"id": "null", "text": null}"#.utf8),
            Array(#"{"id": "missing"}"#.utf8),
            Array(#"{"id": "twice", "text": "first value", "text": "second value"}"#.utf8),
            Array(#"{"id": "nul", "text": "a"#.utf8) + [0] + Array(#"b"}"#.utf8),
            [0, 0, 0],
            Array(#"{"id": "deep", "text": "x", "m": "#.utf8) + [UInt8](repeating: 0x5B, count: 100_000)
                + [UInt8](repeating: 0x5D, count: 100_000) + [0x7D],
            Array(#"{"id": "latin1", "text": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8),
            garbage,
            Array(#"{"id": "crlf", "text": "carriage return"}"#.utf8) + [0x0D],
            Array(#"{"id": "good-2", "text": "last"}"#.utf8),
        ]
        TestSupport.write(
            [0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: [0x0A])) + [0x0A],
            to: directory.appendingPathComponent("mixed.jsonl"))
        let outcome = try run(["mixed.jsonl"], in: directory)
        #expect(outcome.status == 0, "rejected records do not fail a run")
        #expect(outcome.ids == ["good-1", "twice", "latin1", "crlf", "good-2"])
        #expect(
            outcome.records[1]["text"] as? String == "second value",
            "the last of duplicate keys wins, as in Python's json")
        #expect(
            outcome.records[2]["text"] as? String == "café", "invalid UTF-8 inside a string is read as Windows-1252")
        #expect(outcome.records[3]["text"] as? String == "carriage return")
        let rejected = outcome.rejects.map {
            (($0["source"] as? [String: Any])?["line"] as? Int ?? 0, $0["error"] as? String ?? "")
        }
        #expect(rejected.map(\.0) == [2, 3, 4, 6, 7, 8, 10])
        let expectedErrors = [
            "field 'text' is a number", "field 'text' is null", "no field 'text'", "unescaped control character 0x0",
            "expected a JSON object", "nesting deeper than 512 levels", "malformed JSON",
        ]
        for ((line, error), expected) in zip(rejected, expectedErrors) {
            #expect(error.contains(expected), "line \(line): \(error)")
        }
        #expect(
            outcome.rejects.allSatisfy {
                ($0["source"] as? [String: Any])?["file"] as? String
                    == directory.appendingPathComponent("mixed.jsonl").path
            })

        try FileManager.default.removeItem(at: directory.appendingPathComponent("rejects.jsonl"))
        let strict = try run(
            ["mixed.jsonl"], in: directory,
            extra: ["--strict", "-o", directory.appendingPathComponent("out.jsonl").path])
        #expect(strict.status == 1)
        #expect(
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.jsonl").path),
            "--strict keeps no output")
        #expect(
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent("rejects.jsonl").path),
            "nor rejects")
    }

    @Test func aHundredMegabyteLineIsRejectedUnreadWithBoundedMemory() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("long.jsonl").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.write(Data(#"{"id": "long", "text": ""#.utf8))
        let chunk = Data(repeating: 0x61, count: 1 << 20)
        for _ in 0..<100 { handle.write(chunk) }
        handle.write(Data(("\"}\n" + Self.goodLines("after", 2)).utf8))
        try handle.close()
        let outcome = try run(["long.jsonl"], in: directory, extra: ["--max-record-bytes", "16000000"])
        #expect(outcome.status == 0)
        #expect(outcome.ids == ["after0", "after1"])
        #expect(
            (outcome.rejects.first?["error"] as? String)?.contains(
                "bytes, longer than the 16000000-byte limit (not read)") == true)
        #expect(((outcome.rejects.first?["source"] as? [String: Any])?["line"] as? Int) == 1)
        // Against the same binary's peak on the short lines alone (a sanitizer build starts far bigger).
        TestSupport.write(Array(Self.goodLines("after", 2).utf8), to: directory.appendingPathComponent("short.jsonl"))
        let baseline = try run(["short.jsonl"], in: directory, extra: ["--max-record-bytes", "16000000"])
            .peakResidentMegabytes
        let peak = outcome.peakResidentMegabytes
        #expect(
            baseline > 0 && peak - baseline < 60,
            "the 100 MB line is skipped, not held: peak RSS \(peak) MB, \(baseline) MB without it")
    }

    // MARK: - Pipeline files

    @Test func aliasBombsAndAbsurdOptionValuesFailFastWithAPosition() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let levels = (1...9).map { level in
            "l\(level): &l\(level) ["
                + Array(repeating: level == 1 ? "\"lol\"" : "*l\(level - 1)", count: 9).joined(separator: ", ") + "]"
        }
        let cases: [(String, String)] = [
            ("bomb.yaml", "version: 1\n" + levels.joined(separator: "\n") + "\nstages:\n  - decode: {}\n"),
            (
                "nested-bomb.yaml",
                "version: 1\nstages:\n  - decode: {}\n  - filter:\n      languages: &a [en, en, en, en, en, en, en, en]\n  - filter:\n      languages: [*a, *a, *a, *a, *a, *a, *a, *a]\n"
            ),
            ("absurd-bands.yaml", "version: 1\nstages:\n  - dedup: {bands: 99999999999}\n"),
            ("absurd-permutations.yaml", "version: 1\nstages:\n  - dedup: {permutations: 1000000000000000000000}\n"),
            ("unused-but-out-of-range.yaml", "version: 1\nstages:\n  - dedup: {permutations: 2000}\n"),
            ("absurd-threshold.yaml", "version: 1\nstages:\n  - language: {threshold: .nan}\n"),
        ]
        for (name, yaml) in cases {
            let path = directory.appendingPathComponent(name).path
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let started = Date()
            let result = try TestSupport.runWinnow(["validate", path])
            let message = String(decoding: result.stderr, as: UTF8.self)
            #expect(result.status == 2, "\(name): \(message)")
            #expect(message.contains("\(name):"), "\(name): \(message)")
            #expect(Date().timeIntervalSince(started) < 10, "\(name) is refused at once")
        }
    }

    // MARK: - Faults

    @Test func aFullDiskIsAWriteErrorAndTheSummarySaysWhatWasWritten() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try run(
            [TestSupport.packageRoot.appendingPathComponent("Samples").path], in: directory,
            pipeline: "version: 1\nstages:\n  - decode: {}\n  - stats: {}\n", extra: ["-o", "/dev/full"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/dev/full: write failed: No space left on device"))
        #expect(outcome.summary["status"] as? String == "failed")
        #expect(outcome.int("written") == 0)
    }

    @Test(
        .disabled(
            if: TestSupport.underThreadSanitizer, "ThreadSanitizer's runtime faults (SIGBUS) under a file-size limit"))
    func aWriteErrorMidRunLeavesNoFinishedOutput() throws {
        guard let binary = TestSupport.winnowBinary else { return }
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.jsonl").path,
            stats = directory.appendingPathComponent("stats.json").path
        // A file-size limit of 16 KB makes the output's writes fail part way (EFBIG), as a full disk would.
        let result = try TestSupport.runWinnow(
            [
                "-c", "ulimit -f 16; exec \"$0\" \"$@\"", binary.path, "run", "Pipelines/news.yaml", "Samples",
                "-o", output, "--stats", stats, "--no-progress",
            ],
            binary: URL(fileURLWithPath: "/bin/sh"))
        let message = String(decoding: result.stderr, as: UTF8.self)
        #expect(result.status == 1, "\(message)")
        #expect(message.contains("out.jsonl: write failed: File too large"))
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["stats.json"],
            "no temporary file is left")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stats))) as? [String: Any])
        #expect(summary["status"] as? String == "failed")
        #expect((summary["error"] as? String)?.contains("File too large") == true)
    }
}
