import Foundation
import Testing
@testable import Winnow

/// Issue 16, "Reliability, round two": each numbered finding of testing Winnow against other people's suites, as a
/// test that failed before its fix. The test names carry the item's number.
extension BadInputTests {
    static let mixedLines = goodLines("g", 3) + "{not json\n" + goodLines("h", 2)

    // MARK: - 1. outputs on a shared, redirected stream

    @Test func item01RejectsToDevStdoutShareTheRedirectedStream() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.mixedLines.write(to: directory.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let pipeline = directory.appendingPathComponent("p.yaml").path
        try Self.decodeOnly.write(toFile: pipeline, atomically: true, encoding: .utf8)
        // runWinnow redirects stdout and stderr to files: /dev/stdout and /dev/stderr are those files.
        for output in [[], ["-o", "/dev/stdout"], ["-o", "/proc/self/fd/1"]] {
            let result = try TestSupport.runWinnow(["run", pipeline, directory.appendingPathComponent("in.jsonl").path, "--no-progress",
                                                    "--rejects", "/dev/stdout", "--stats", "/dev/stderr"] + output)
            #expect(result.status == 0, "\(output)")
            let lines = try Self.jsonLines(result.stdout)
            #expect(lines.filter { $0["error"] == nil }.count == 5, "every record kept beside the reject, \(output)")
            #expect(lines.filter { $0["error"] != nil }.count == 1, "\(output)")
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            #expect(stderr.contains("\"written\":5") || stderr.contains("\"written\": 5"), "the stats JSON is there")
            #expect(stderr.contains("read 6 = written 5 + dropped 0 + rejected 1"), "and the summary after it")
        }
    }

    // MARK: - 2. two outputs, one file

    @Test func item02TwoOutputsThatAreOneFileAreRefusedBeforeReading() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.mixedLines.write(to: directory.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let pipeline = directory.appendingPathComponent("p.yaml").path
        try Self.decodeOnly.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let target = directory.appendingPathComponent("out.jsonl").path
        let link = directory.appendingPathComponent("link.jsonl").path
        let input = directory.appendingPathComponent("in.jsonl").path
        for (first, second, exists) in [("-o", "--rejects", false), ("-o", "--stats", false), ("--rejects", "--stats", false),
                                        ("-o", "--rejects", true)] {
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.removeItem(atPath: link)
            if exists {
                try "old\n".write(toFile: target, atomically: true, encoding: .utf8)
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            }
            let result = try TestSupport.runWinnow(["run", pipeline, input, "--no-progress", first, target, second, exists ? link : target])
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            #expect(result.status == 2, "\(first) \(second): \(stderr)")
            #expect(stderr.contains("\(first) and \(second) name the same file"), "\(stderr)")
            #expect(!stderr.contains("read "), "refused before any input is read")
            if exists {
                #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n", "the file is left as it was")
            } else {
                #expect(!FileManager.default.fileExists(atPath: target))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.contains("winnow-tmp") })
        }
        // Different files are fine.
        let result = try TestSupport.runWinnow(["run", pipeline, input, "--no-progress", "-o", target, "--rejects", target + ".rejects"])
        #expect(result.status == 0)
    }
}

/// Issue 16 item 7: read by Python's `json` (as pandas and DuckDB read it), every ratio, score and similarity is a
/// float on every record — whole values included — and every count an integer.
@Suite(.enabled(if: TestSupport.winnowBinary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"),
                "the winnow executable and python3"))
struct OutputTypesTests {
    @Test func item07RatiosAreFloatsAndCountsIntegersForPython() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pipeline = directory.appendingPathComponent("p.yaml").path
        try """
        version: 1
        stages:
          - decode: { language_field: lang }
          - clean: {}
          - sentences: {}
          - language: { top_k: 3 }
          - stats: {}
          - dedup: { threshold: 0.8 }
        """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        // Whole-number ratios on purpose: a text with no digits (digit_ratio 0), one of only letters (alpha 1 ... ).
        try (0..<3).map { #"{"id": "w\#($0)", "text": "aaaa"}"# }.joined(separator: "\n")
            .write(to: directory.appendingPathComponent("whole.jsonl"), atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.jsonl").path
        let run = try TestSupport.runWinnow(["run", pipeline, "Samples", directory.appendingPathComponent("whole.jsonl").path, "-o", output, "--no-progress"])
        #expect(run.status == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
        let counts = StatisticField.all.filter(\.isCount).map(\.name), ratios = StatisticField.all.filter { !$0.isCount }.map(\.name)
        let script = """
        import json, sys
        counts, ratios = set(sys.argv[2].split(",")), set(sys.argv[3].split(","))
        problems, whole_floats = [], 0
        def expect(value, kind, where):
            global whole_floats
            if value is None: return
            if type(value) is not kind: problems.append(f"{where}: {value!r} is {type(value).__name__}")
            elif kind is float and value == int(value): whole_floats += 1
        for number, line in enumerate(open(sys.argv[1]), 1):
            r = json.loads(line)
            for name, value in r.get("stats", {}).items():
                if name not in counts | ratios: problems.append(f"{number}: stats.{name} is in no list")
                expect(value, int if name in counts else float, f"{number}: stats.{name}")
            expect(r.get("language_score"), float, f"{number}: language_score")
            for label in r.get("languages", []): expect(label["score"], float, f"{number}: languages.score")
            expect(r["dedup"]["similarity"], float, f"{number}: dedup.similarity")
            for name, value in r.get("clean", {}).items():
                if name != "removed": expect(value, int, f"{number}: clean.{name}")
            expect(r["source"]["line"], int, f"{number}: source.line")
        print(json.dumps({"problems": problems[:20], "whole_floats": whole_floats}))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, output, counts.joined(separator: ","), ratios.joined(separator: ",")]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((result["problems"] as? [String]) == [], "\(result)")
        #expect((result["whole_floats"] as? Int ?? 0) > 10, "whole-number ratios are there and were written as floats")
    }
}

extension BadInputTests {
    // MARK: - 3. directories: links, byte-string names, unreadable entries

    /// Creates a file whose name is raw bytes (not necessarily UTF-8) and writes `text` into it.
    static func createFile(bytes path: [UInt8], _ text: String) {
        let descriptor = open(path.map { CChar(bitPattern: $0) } + [0], O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(descriptor >= 0)
        _ = Array(text.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    @Test func item03DirectoriesFollowLinksReadAnyNameAndNameWhatCannotBeRead() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = FileManager.default
        let real = directory.appendingPathComponent("real"), corpus = directory.appendingPathComponent("corpus")
        try manager.createDirectory(at: real.appendingPathComponent("more"), withIntermediateDirectories: true)
        try manager.createDirectory(at: corpus, withIntermediateDirectories: true)
        try Self.goodLines("a", 2).write(to: real.appendingPathComponent("a.jsonl"), atomically: true, encoding: .utf8)
        try Self.goodLines("b", 3).write(to: real.appendingPathComponent("more/b.jsonl"), atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: corpus.appendingPathComponent("1-file.jsonl").path, withDestinationPath: "../real/a.jsonl")
        try manager.createSymbolicLink(atPath: corpus.appendingPathComponent("2-dir").path, withDestinationPath: "../real/more")
        try manager.createSymbolicLink(atPath: corpus.appendingPathComponent("3-loop").path, withDestinationPath: ".")
        Self.createFile(bytes: Array(corpus.path.utf8) + Array("/4-caf".utf8) + [0xE9] + Array(".jsonl".utf8), Self.goodLines("c", 1))
        try "not records".write(to: corpus.appendingPathComponent("5-notes.md"), atomically: true, encoding: .utf8)

        let outcome = try run([corpus.path], in: directory, extra: ["--verbose"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.ids.sorted() == ["a0", "a1", "b0", "b1", "b2", "c0"], "a link to a file, a link to a directory, a non-UTF-8 name")
        #expect(outcome.int("read") == 6)
        #expect(outcome.records.contains { ($0["source"] as? [String: Any])?["file"] as? String == corpus.path + "/4-caf\\xE9.jsonl" },
                "a name that is not UTF-8 is shown with \\xNN")
        #expect(outcome.stderr.contains("3-loop: skipped: a directory already read"), "the loop is read once and named")
        #expect(outcome.stderr.contains("5-notes.md: skipped: not a record file name"))
        #expect((outcome.summary["inputs"] as? [String: Any])?["skipped"] as? Int == 2)

        // An entry that cannot be read fails the run before it starts, each one named, like a missing file.
        try manager.createSymbolicLink(atPath: corpus.appendingPathComponent("6-broken.jsonl").path, withDestinationPath: "../nowhere.jsonl")
        try manager.createSymbolicLink(atPath: corpus.appendingPathComponent("7-broken").path, withDestinationPath: "../gone")
        let pipeline = directory.appendingPathComponent("pipeline.yaml").path
        let result = try TestSupport.runWinnow(["run", pipeline, corpus.path, "--no-progress"])
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        #expect(result.status == 1)
        #expect(stderr.contains("2 inputs cannot be read") && stderr.contains("6-broken.jsonl: a symbolic link to nothing")
                && stderr.contains("7-broken: a symbolic link to nothing"), "\(stderr)")
        #expect(result.stdout.isEmpty)
    }

    // MARK: - 12. stats files with absurd counts

    @Test func item12HugeCountsInAStatsFileAreRejectedNotATrap() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try String(contentsOfFile: TestSupport.fixture("stats/corpus.json"), encoding: .utf8)
        let cases: [(String, String, String)] = [
            (#""kept":31"#, #""kept":31"#, ""),   // the file as it is: merges
            (#""kept":31"#, #""kept":123456789012345678901234567890"#, "too large for a count"),
            (#""kept":31"#, #""kept":9007199254740993"#, "too large for a count"),
            (#""kept":31"#, #""kept":-1"#, "cannot be negative"),
            (#""kept":31"#, #""kept":1e300"#, "not an integer"),
            (#""seconds":0.062472737"#, #""seconds":1e400"#, "out of range"),
        ]
        for (index, (find, replace, message)) in cases.enumerated() {
            let path = directory.appendingPathComponent("s\(index).json").path
            let range = try #require(good.range(of: find), "\(find)")
            try good.replacingCharacters(in: range, with: replace).write(toFile: path, atomically: true, encoding: .utf8)
            for command in [["stats", "merge", path, path, "-o", path + ".merged"], ["report", path, "-o", path + ".html"]] {
                let result = try TestSupport.runWinnow(command)
                let stderr = String(decoding: result.stderr, as: UTF8.self)
                if message.isEmpty {
                    #expect(result.status == 0, "\(command): \(stderr)")
                } else {
                    #expect(result.status == 1, "\(command): exit \(result.status) \(stderr)")
                    #expect(stderr.contains(path) && stderr.contains(message), "\(command): \(stderr)")
                }
            }
        }
        // Counts that are each in range but whose sum is not: merging 2^52 + 2^52 + … is refused, never wraps.
        let big = directory.appendingPathComponent("big.json").path
        try good.replacingOccurrences(of: #""output_bytes":"#, with: #""output_bytes":4503599627370496,"x":"#).write(toFile: big, atomically: true, encoding: .utf8)
        let result = try TestSupport.runWinnow(["stats", "merge", big, big, big, "-o", big + ".merged"])
        #expect(result.status == 1 && String(decoding: result.stderr, as: UTF8.self).contains("out of range"), "\(String(decoding: result.stderr, as: UTF8.self))")
    }
}
