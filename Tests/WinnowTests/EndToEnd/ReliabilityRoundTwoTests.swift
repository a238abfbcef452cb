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
            let result = try TestSupport.runWinnow(
                [
                    "run", pipeline, directory.appendingPathComponent("in.jsonl").path, "--no-progress",
                    "--rejects", "/dev/stdout", "--stats", "/dev/stderr",
                ] + output)
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
        for (first, second, exists) in [
            ("-o", "--rejects", false), ("-o", "--stats", false), ("--rejects", "--stats", false),
            ("-o", "--rejects", true),
        ] {
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.removeItem(atPath: link)
            if exists {
                try "old\n".write(toFile: target, atomically: true, encoding: .utf8)
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            }
            let result = try TestSupport.runWinnow([
                "run", pipeline, input, "--no-progress", first, target, second, exists ? link : target,
            ])
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            #expect(result.status == 2, "\(first) \(second): \(stderr)")
            #expect(stderr.contains("\(first) and \(second) name the same file"), "\(stderr)")
            #expect(!stderr.contains("read "), "refused before any input is read")
            if exists {
                #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n", "the file is left as it was")
            } else {
                #expect(!FileManager.default.fileExists(atPath: target))
            }
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy {
                    !$0.contains("winnow-tmp")
                })
        }
        // Different files are fine.
        let result = try TestSupport.runWinnow([
            "run", pipeline, input, "--no-progress", "-o", target, "--rejects", target + ".rejects",
        ])
        #expect(result.status == 0)
    }
}

/// Issue 16 item 7: read by Python's `json` (as pandas and DuckDB read it), every ratio, score and similarity is a
/// float on every record — whole values included — and every count an integer.
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"),
        "skipped: needs the winnow executable built beside the tests and /usr/bin/python3"))
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
        let run = try TestSupport.runWinnow([
            "run", pipeline, "Samples", directory.appendingPathComponent("whole.jsonl").path, "-o", output,
            "--no-progress",
        ])
        #expect(run.status == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
        let counts = StatisticField.all.filter(\.isCount).map(\.name),
            ratios = StatisticField.all.filter { !$0.isCount }.map(\.name)
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
        try Self.goodLines("b", 3).write(
            to: real.appendingPathComponent("more/b.jsonl"), atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(
            atPath: corpus.appendingPathComponent("1-file.jsonl").path, withDestinationPath: "../real/a.jsonl")
        try manager.createSymbolicLink(
            atPath: corpus.appendingPathComponent("2-dir").path, withDestinationPath: "../real/more")
        try manager.createSymbolicLink(atPath: corpus.appendingPathComponent("3-loop").path, withDestinationPath: ".")
        Self.createFile(
            bytes: Array(corpus.path.utf8) + Array("/4-caf".utf8) + [0xE9] + Array(".jsonl".utf8),
            Self.goodLines("c", 1))
        try "not records".write(to: corpus.appendingPathComponent("5-notes.md"), atomically: true, encoding: .utf8)

        let outcome = try run([corpus.path], in: directory, extra: ["--verbose"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.ids.sorted() == ["a0", "a1", "b0", "b1", "b2", "c0"],
            "a link to a file, a link to a directory, a non-UTF-8 name")
        #expect(outcome.int("read") == 6)
        #expect(
            outcome.records.contains {
                ($0["source"] as? [String: Any])?["file"] as? String == corpus.path + "/4-caf\\xE9.jsonl"
            },
            "a name that is not UTF-8 is shown with \\xNN")
        #expect(outcome.stderr.contains("3-loop: skipped: a directory already read"), "the loop is read once and named")
        #expect(outcome.stderr.contains("5-notes.md: skipped: not a record file name"))
        #expect((outcome.summary["inputs"] as? [String: Any])?["skipped"] as? Int == 2)

        // An entry that cannot be read fails the run before it starts, each one named, like a missing file.
        try manager.createSymbolicLink(
            atPath: corpus.appendingPathComponent("6-broken.jsonl").path, withDestinationPath: "../nowhere.jsonl")
        try manager.createSymbolicLink(
            atPath: corpus.appendingPathComponent("7-broken").path, withDestinationPath: "../gone")
        let pipeline = directory.appendingPathComponent("pipeline.yaml").path
        let result = try TestSupport.runWinnow(["run", pipeline, corpus.path, "--no-progress"])
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        #expect(result.status == 1)
        #expect(
            stderr.contains("2 inputs cannot be read") && stderr.contains("6-broken.jsonl: a symbolic link to nothing")
                && stderr.contains("7-broken: a symbolic link to nothing"), "\(stderr)")
        #expect(result.stdout.isEmpty)
    }

    // MARK: - 12. stats files with absurd counts

    @Test func item12HugeCountsInAStatsFileAreRejectedNotATrap() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try String(contentsOfFile: TestSupport.fixture("stats/corpus.json"), encoding: .utf8)
        let cases: [(String, String, String)] = [
            (#""kept":31"#, #""kept":31"#, ""),  // the file as it is: merges
            (#""kept":31"#, #""kept":123456789012345678901234567890"#, "too large for a count"),
            (#""kept":31"#, #""kept":9007199254740993"#, "too large for a count"),
            (#""kept":31"#, #""kept":-1"#, "cannot be negative"),
            (#""kept":31"#, #""kept":1e300"#, "not an integer"),
            (#""seconds":0.062472737"#, #""seconds":1e400"#, "out of range"),
        ]
        for (index, (find, replace, message)) in cases.enumerated() {
            let path = directory.appendingPathComponent("s\(index).json").path
            let range = try #require(good.range(of: find), "\(find)")
            try good.replacingCharacters(in: range, with: replace).write(
                toFile: path, atomically: true, encoding: .utf8)
            for command in [
                ["stats", "merge", path, path, "-o", path + ".merged"], ["report", path, "-o", path + ".html"],
            ] {
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
        try good.replacingOccurrences(of: #""output_bytes":"#, with: #""output_bytes":4503599627370496,"x":"#).write(
            toFile: big, atomically: true, encoding: .utf8)
        let result = try TestSupport.runWinnow(["stats", "merge", big, big, big, "-o", big + ".merged"])
        #expect(
            result.status == 1 && String(decoding: result.stderr, as: UTF8.self).contains("out of range"),
            "\(String(decoding: result.stderr, as: UTF8.self))")
    }
}

/// Issue 16 items 4–6: WARC files as other WARC libraries' test data have them.
@Suite struct WARCRoundTwoTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: TestSupport.fixture("warc/\(name)"))))
    }

    /// The documents of `bytes` read whole, one byte at a time and in random chunks (they must agree).
    static func documentsEveryWay(_ bytes: [UInt8], name: String) throws -> [Document] {
        var results: [[Document]] = []
        for chunks in [[], [1], TestSupport.randomChunkSizes(seed: 7)] {
            let decode = DecodeStage(configuration: try .read(StageOptions(stage: "decode", yaml: "{}")))
            let reader = BatchReader(inputs: [InputFile(path: name, size: nil)], format: .auto, windowSize: 64) {
                file in
                MemorySource(bytes, path: file.path, chunkSizes: chunks)
            }
            var parser = JSONParser()
            var documents: [Document] = []
            while let batch = reader.next() {
                for record in batch.records {
                    if case .document(let document) = try decode.decode(record, of: batch, parser: &parser) {
                        documents.append(document)
                    }
                }
            }
            results.append(documents)
        }
        #expect(
            results.allSatisfy { $0.map(\.text) == results[0].map(\.text) && $0.map(\.id) == results[0].map(\.id) },
            "whole, byte by byte and in chunks agree")
        return results[0]
    }

    @Test func item04LFOnlyHeadersAndLooseTerminatorsLoseNoRecord() throws {
        let documents = try Self.documentsEveryWay(try Self.fixture("terminators.warc"), name: "terminators.warc")
        #expect(
            documents.map(\.id) == [
                "urn:uuid:lf-only", "urn:uuid:crlf", "urn:uuid:cr-run", "urn:uuid:no-gap", "urn:uuid:last",
            ])
        #expect(documents.first?.text == "Headers that end in LF only.\nA second line.")
        #expect(documents.last?.text == "The last record, after one with no terminator.")
    }
}

extension WARCRoundTwoTests {
    @Test func item05HTTPBodiesAreDecodedAndTheirCharsetsRead() throws {
        let bytes = try Self.fixture("http-responses.warc.gz")
        let decode = DecodeStage(configuration: try .read(StageOptions(stage: "decode", yaml: "{}")))
        let reader = BatchReader(inputs: [InputFile(path: "http.warc.gz", size: nil)], format: .auto, windowSize: 256) {
            file in
            MemorySource(bytes, path: file.path, chunkSizes: [97])
        }
        var parser = JSONParser()
        var documents: [String: Document] = [:], errors: [String] = []
        while let batch = reader.next() {
            for record in batch.records {
                do throws(DecodeStage.RecordError) {
                    if case .document(let document) = try decode.decode(record, of: batch, parser: &parser) {
                        documents[document.id] = document
                    }
                } catch {
                    errors.append(error.message)
                }
            }
        }
        func text(_ id: String) -> String? {
            documents["urn:uuid:" + id]?.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func encoding(_ id: String) -> String? { documents["urn:uuid:" + id]?.fields["encoding"]?.stringValue }
        #expect(
            text("chunked-gzip")?.hasSuffix("Chunked and gzipped: café.") == true, "\(text("chunked-gzip") ?? "nil")")
        #expect(text("deflate")?.hasSuffix("Deflated with zlib.") == true)
        #expect(text("raw-deflate")?.hasSuffix("Raw deflate, no header.") == true)
        #expect(errors.count == 1 && errors[0].contains("Brotli"), "\(errors)")
        for (id, expected, name) in [
            ("meta-1251", "Привет, мир: это страница в кодировке windows-1251.", "windows-1251"),
            ("http-equiv-koi8", "Здравствуй, KOI8-R.", "koi8-r"), ("sjis", "日本語のページです。", "shift_jis"),
            ("eucjp", "こんにちは、世界。", "euc-jp"), ("gb2312", "你好，世界。这是中文网页。", "gbk"),
            ("latin2", "Zażółć gęślą jaźń.", "iso-8859-2"), ("utf16", "UTF-16 with its mark.", "utf-16le"),
        ] {
            #expect(text(id)?.hasSuffix(expected) == true, "\(id): \(text(id) ?? "nil")")
            #expect(encoding(id) == name, "\(id)")
            #expect(documents["urn:uuid:" + id]?.fields["replaced_sequences"] == .int(0), "\(id)")
        }
        #expect(text("no-html-tag") == "A fragment served as text/html.", "text/html is HTML without <html>")
        #expect(encoding("chunked-gzip") == nil, "clean UTF-8 carries no encoding field")
    }

    @Test func chunkedBodiesJoinAndOthersPassThrough() {
        #expect(
            HTTPPayload.dechunk(Array("5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n".utf8)) == Array("hello world".utf8))
        #expect(
            HTTPPayload.dechunk(Array("<html>not chunked".utf8)) == nil,
            "a body that is not chunked is left to the caller")
        #expect(
            HTTPPayload.dechunk(Array("5\r\nhel".utf8)) == Array("hel".utf8), "a truncated capture keeps what it has")
    }
}

extension BadInputTests {
    // MARK: - 6. one gzip member per record: a damaged member costs its own records only

    @Test func item06ADamagedMemberIsOneRejectAndTheMembersAfterItAreRead() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Ten records, one gzip member each, as per-record-gzip WARC and JSONL files have them.
        var members = (0..<10).map { TestSupport.gzip(Self.goodLines("m\($0)-", 1)) }
        let corruptStart = members[0..<3].reduce(0) { $0 + $1.count }
        members[3][members[3].count / 2] ^= 0x55  // corrupt data
        members[6][members[6].count - 7] ^= 0x01  // CRC fails
        TestSupport.write(members.flatMap { $0 }, to: directory.appendingPathComponent("members.jsonl.gz"))
        let outcome = try run(["members.jsonl.gz"], in: directory)
        #expect(outcome.status == 1, "data was lost: the input is reported")
        #expect(outcome.ids == ["m0-0", "m1-0", "m2-0", "m4-0", "m5-0", "m7-0", "m8-0", "m9-0"], "\(outcome.ids)")
        let errors = outcome.rejects.compactMap { $0["error"] as? String }
        #expect(errors.count == 2, "\(errors)")
        #expect(
            errors.first?.contains("compressed bytes \(corruptStart)–") == true,
            "the lost stretch's byte range: \(errors)")
        #expect(errors.last?.contains("incorrect data check") == true, "a CRC failure rejects its member's records")
        #expect(!outcome.stderr.contains("data after the last gzip member"))
    }
}

extension BadInputTests {
    // MARK: - 14. empty text files, lone surrogates

    @Test func item14EmptyTextFilesAreNoDocumentAndLoneSurrogatesAreReplaced() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        TestSupport.write([], to: directory.appendingPathComponent("empty.txt"))
        TestSupport.write([0xEF, 0xBB, 0xBF], to: directory.appendingPathComponent("bom-only.txt"))
        // What Python's json.dumps writes for a string holding a lone surrogate.
        try
            (#"{"id": "s1", "text": "before \ud800 after"}"# + "\n"
            + #"{"id": "s2", "text": "\udc00\ud83d\ude00 x \ud83d"}"# + "\n")
            .write(to: directory.appendingPathComponent("surrogates.jsonl"), atomically: true, encoding: .utf8)
        let outcome = try run(["empty.txt", "bom-only.txt", "surrogates.jsonl"], in: directory)
        #expect(outcome.status == 0 && outcome.int("read") == 2 && outcome.int("rejected") == 0, "\(outcome.stderr)")
        #expect(outcome.ids == ["s1", "s2"], "no document for empty text files")
        #expect(outcome.records.first?["text"] as? String == "before \u{FFFD} after")
        #expect(
            outcome.records.last?["text"] as? String == "\u{FFFD}😀 x \u{FFFD}",
            "a real pair between lone halves survives")
        #expect(outcome.records.map { $0["replaced_sequences"] as? Int } == [1, 2])
        #expect(outcome.records.allSatisfy { $0["encoding"] as? String == "utf-8" })
    }
}

extension BadInputTests {
    // MARK: - 17. winnow run … | head

    @Test func item17ABrokenPipeEndsQuietlyWith141() throws {
        let binary = try #require(TestSupport.winnowBinary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            "-c",
            "'\(binary.path)' run Pipelines/news.yaml Samples Samples Samples Samples --no-progress --batch-records 1 2>/tmp/winnow-pipe-$$.err | head -c 10 >/dev/null; "
                + "status=${PIPESTATUS[0]}; cat /tmp/winnow-pipe-$$.err; rm -f /tmp/winnow-pipe-$$.err; exit $status",
        ]
        process.currentDirectoryURL = TestSupport.packageRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let stderr = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 141, "\(stderr)")
        #expect(!stderr.contains("failed") && !stderr.contains("broken pipe"), "no failed summary: \(stderr)")
    }
}

extension BadInputTests {
    // MARK: - 13. what cannot be read is refused loudly

    @Test func item13ForeignFormatsAndBinaryDataAreOneErrorPerInput() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SeededGenerator(seed: 13)
        let noise = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let cases: [(String, [UInt8], String)] = [
            // zstd, xz and bzip2 are read (issue 19): noise behind their magic is one corrupt frame; inside gzip they are
            // still a format that is not records.
            ("a.jsonl", [0x28, 0xB5, 0x2F, 0xFD] + noise, "corrupt zstd data"),
            ("b.jsonl.gz", GzipEncoder.member([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] + noise), "xz data"),
            ("c.json", Array("BZh9".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59] + noise, "corrupt bzip2 data"),
            (
                "c2.jsonl.gz", GzipEncoder.member([0x28, 0xB5, 0x2F, 0xFD] + noise),
                "zstd data: not supported; decompress it first (e.g. zstd -dc"
            ),
            ("d.jsonl", Array("PAR1".utf8) + noise, "a Parquet file"),
            ("e.txt", [0x50, 0x4B, 0x03, 0x04] + noise, "a ZIP archive"),
            ("f.txt", noise, "binary data"),
            ("g.txt", [0x78, 0x9C] + noise, "zlib data"),
        ]
        for (name, bytes, _) in cases { TestSupport.write(bytes, to: directory.appendingPathComponent(name)) }
        try Self.goodLines("ok", 2).write(
            to: directory.appendingPathComponent("z.jsonl"), atomically: true, encoding: .utf8)
        try "x^2 is a formula, and this file is text.".write(
            to: directory.appendingPathComponent("h.txt"), atomically: true, encoding: .utf8)
        for extra in [[], ["--strict"]] {
            let outcome = try run(cases.map(\.0) + ["h.txt", "z.jsonl"], in: directory, extra: extra)
            #expect(outcome.status == 1, "\(extra)")
            for (name, _, message) in cases {
                #expect(outcome.stderr.contains("\(name): \(message)"), "\(name): \(outcome.stderr)")
            }
            #expect(outcome.int("rejected") == cases.count, "one reject per input, not one per line")
            if extra.isEmpty {
                #expect(outcome.ids.sorted() == [directory.appendingPathComponent("h.txt").path, "ok0", "ok1"])
            }
        }
    }
}

extension BadInputTests {
    // MARK: - 11 (part). absurd --jobs

    @Test func item11AbsurdJobCountsAreCappedNotTakenAsTheyAre() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.goodLines("j", 5).write(
            to: directory.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let outcome = try run(["in.jsonl"], in: directory, extra: ["--jobs", "100001"])
        #expect(outcome.status == 0 && outcome.ids.count == 5)
        #expect(outcome.stderr.contains("--jobs 100001 is capped at"), "\(outcome.stderr)")
    }
}

extension BadInputTests {
    // MARK: - 15. --resume tells an input from a same-size edit of it

    @Test func item15ASameSizeEditOfAnInputIsAnotherRun() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.jsonl")
        try Self.goodLines("r", 4).write(to: input, atomically: true, encoding: .utf8)
        let pipeline = directory.appendingPathComponent("p.yaml").path
        try Self.decodeOnly.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let resume = directory.appendingPathComponent("resume").path
        let arguments = [
            "run", pipeline, input.path, "--resume", resume, "--no-progress", "-o",
            directory.appendingPathComponent("out.jsonl").path,
        ]
        #expect(try TestSupport.runWinnow(arguments).status == 0)
        #expect(try TestSupport.runWinnow(arguments).status == 0, "the same run again takes up its parts")
        // The same size, one letter changed (and a later modification time).
        try Self.goodLines("s", 4).write(to: input, atomically: true, encoding: .utf8)
        let again = try TestSupport.runWinnow(arguments)
        #expect(again.status != 0)
        #expect(
            String(decoding: again.stderr, as: UTF8.self).contains("holds another run"),
            "\(String(decoding: again.stderr, as: UTF8.self))")
    }
}

/// Issue 16 item 9: user patterns run in bounded time per line.
@Suite struct LinePatternTests {
    @Test func item09CatastrophicPatternsRunInBoundedTime() throws {
        let evil = try LinePattern("(a+)+$")
        let line = String(repeating: "a", count: 5000) + "!"
        let start = ContinuousClock.now
        #expect(!evil.matchesWhole(line))
        #expect(evil.matchesWhole(String(repeating: "a", count: 5000)))
        #expect(ContinuousClock.now - start < .seconds(2), "a backtracking engine takes for ever here")
        #expect(try LinePattern("(?i)sponsored by .*").matchesWhole("SPONSORED BY someone"))
        #expect(try LinePattern(#"Page \d+ of \d+"#).matchesWhole("Page 3 of 12"))
        #expect(try !LinePattern("Page").matchesWhole("Page 3"), "the whole line must match")
        #expect(throws: LinePattern.PatternError.self) { try LinePattern(#"(a)\1"#) }
        #expect(throws: PipelineError.self) {
            try CleanStage.Configuration.read(StageOptions(stage: "clean", yaml: #"{extra_patterns: ["(x)\\1"]}"#))
        }
    }
}

extension BadInputTests {
    // MARK: - 10. a signal always ends the run, and nothing is committed

    /// Starts `winnow run` on `arguments` in `directory`, waits until its temporary output exists (the signal trap is
    /// set by then), calls `whenStarted`, sends `signal` and returns the exit status — or nil when it has not ended
    /// within 20 seconds (then it is killed).
    static func statusAfterSignal(
        _ signal: Int32, arguments: [String], in directory: URL, stdin: Pipe? = nil,
        whenStarted: () -> Void = {}
    ) throws -> Int32? {
        guard let binary = TestSupport.winnowBinary else { return 143 }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = TestSupport.packageRoot
        if let stdin { process.standardInput = stdin }
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<400
        where (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.contains(where: {
            $0.hasPrefix(".")
        }) != true {
            usleep(25_000)
        }
        whenStarted()
        kill(process.processIdentifier, signal)
        for _ in 0..<400 where process.isRunning { usleep(50_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    @Test func item10ASignalWhileAFIFOHasNoWriterEndsTheRun() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("in.jsonl").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let output = directory.appendingPathComponent("out.jsonl").path
        let status = try Self.statusAfterSignal(
            SIGTERM, arguments: ["run", "Pipelines/news.yaml", fifo, "-o", output, "--no-progress"],
            in: directory)
        #expect(status == 143, "the first SIGTERM ends a run blocked on a FIFO nobody writes to")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func item10ASignalDuringTheLastBatchCommitsNothing() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.jsonl").path
        // One record of 8 MB of prose: all of it is read at once, and its one batch takes seconds to clean and split.
        let sentence = "The committee met again on Tuesday and agreed that nothing would be decided before spring. "
        let text = String(repeating: sentence, count: 8_000_000 / sentence.utf8.count)
        let record = Data(#"{"id":"big","text":""#.utf8) + Data(text.utf8) + Data(#""}"#.utf8 + [0x0A])
        let input = Pipe()
        let status = try Self.statusAfterSignal(
            SIGTERM, arguments: ["run", "Pipelines/news.yaml", "-", "-o", output, "--no-progress"],
            in: directory, stdin: input
        ) {
            input.fileHandleForWriting.write(record)
            try? input.fileHandleForWriting.close()
            usleep(100_000)
        }
        #expect(status == 143, "reading had ended; the signal still stops the run")
        #expect(!FileManager.default.fileExists(atPath: output), "and the output is not committed")
    }
}

extension BadInputTests {
    // MARK: - 16. messages that say what is wrong and where

    @Test func item16ErrorsNameTheFileAndPositionInPlainWords() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let notAnIndex = directory.appendingPathComponent("notes.txt").path
        try "not an index\n".write(toFile: notAnIndex, atomically: true, encoding: .utf8)
        let cases: [(name: String, yaml: [UInt8], expected: [String])] = [
            (
                "version", Array("version: \"1\"\nstages:\n  - decode: {}\n".utf8),
                ["version.yaml:1:10:", "not the string '1'"]
            ),
            (
                "latin1", Array("version: 1\nname: caf".utf8) + [0xE9] + Array("\nstages:\n  - decode: {}\n".utf8),
                ["latin1.yaml:2:10:", "UTF-8", "0xE9"]
            ),
            (
                "model", Array("version: 1\nstages:\n  - decode: {}\n  - language: {model: /tmp}\n".utf8),
                ["model.yaml:4:23:", "is a directory"]
            ),
            (
                "twice",
                Array(
                    "version: 1\nstages:\n  - decode: {}\n  - clean: {max_line_length: 3, max_line_length: 4}\n".utf8),
                ["twice.yaml:4:13:", "'max_line_length' twice"]
            ),
            (
                "nan", Array("version: 1\nstages:\n  - decode: {}\n  - filter: {min_language_score: .nan}\n".utf8),
                ["nan.yaml:4:", "must be finite"]
            ),
            (
                "inf", Array("version: 1\nstages:\n  - decode: {}\n  - filter: {min_words: .inf}\n".utf8),
                ["inf.yaml:4:", "finite"]
            ),
            (
                "huge",
                Array(
                    "version: 1\nstages:\n  - decode: {}\n  - filter: {min_words: 123456789012345678901234567890}\n"
                        .utf8),
                ["huge.yaml:4:", "too large"]
            ),
            (
                "indexdir", Array("version: 1\nstages:\n  - decode: {}\n  - dedup: {index: \(directory.path)}\n".utf8),
                ["indexdir.yaml:4:20:", "is a directory"]
            ),
            (
                "indexfile", Array("version: 1\nstages:\n  - decode: {}\n  - dedup: {index: \(notAnIndex)}\n".utf8),
                ["indexfile.yaml:4:20:", "not a winnow dedup index"]
            ),
        ]
        for (name, yaml, expected) in cases {
            let path = directory.appendingPathComponent("\(name).yaml").path
            #expect(FileManager.default.createFile(atPath: path, contents: Data(yaml)))
            let result = try TestSupport.runWinnow(["validate", path])
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            #expect(result.status == 2, "\(name): \(stderr)")
            for text in expected { #expect(stderr.contains(text), "\(name): \(stderr)") }
            #expect(
                !stderr.contains("NSCocoaErrorDomain") && !stderr.contains("operation could not be completed"),
                "\(name): \(stderr)")
        }
        let jobs = try TestSupport.runWinnow([
            "run", "Pipelines/news.yaml", "Samples", "--jobs", "-1", "-o", "/dev/null",
        ])
        #expect(jobs.status == 2)
        #expect(String(decoding: jobs.stderr, as: UTF8.self).contains("--jobs must be at least 1"))
        let fresh = directory.appendingPathComponent("fresh.yaml").path
        try "version: 1\nstages:\n  - decode: {}\n  - dedup: {index: \(directory.path)/new.idx}\n".write(
            toFile: fresh, atomically: true, encoding: .utf8)
        #expect(try TestSupport.runWinnow(["validate", fresh]).status == 0, "an index that does not exist yet is fine")
    }
}

extension BadInputTests {
    // MARK: - 11. the record limit holds for every record, at every offset, without holding what it rejects

    /// The records a reader gives for `content` (cut into reads of `chunk` bytes), with their failures.
    static func records(
        _ content: [UInt8], format: RecordFormat, limit: Int, windowSize: Int, chunk: Int
    ) -> [(text: String, failure: String?)] {
        let reader = BatchReader(inputs: [InputFile(path: "in", size: nil)], format: format, windowSize: windowSize) {
            file in
            MemorySource(content, path: file.path, chunkSizes: [chunk])
        }
        reader.maximumRecordBytes = limit
        var records: [(text: String, failure: String?)] = []
        while let batch = reader.next() {
            records += batch.records.map {
                (String(decoding: batch.bytes[$0.start..<$0.end], as: UTF8.self), $0.failure?.message)
            }
        }
        return records
    }

    @Test func item11ALineOverTheLimitIsRejectedWhereverItLies() {
        let long = "{\"text\": \"" + String(repeating: "y", count: 140) + "\"}"
        // The long line starts at offsets from 0 to about 2,000, inside one read window or across several.
        for before in [0, 1, 7, 60, 150] {
            let content = Array(
                (String(repeating: "{\"t\": 1}\n", count: before) + long + "\n{\"text\": \"b\"}\n").utf8)
            for (windowSize, chunk) in [(1 << 20, 1 << 20), (64, 37), (4096, 1)] {
                let records = Self.records(content, format: .jsonl, limit: 100, windowSize: windowSize, chunk: chunk)
                #expect(records.count == before + 2, "\(before) lines before, window \(windowSize)")
                #expect(
                    records.map { $0.failure != nil } == Array(repeating: false, count: before) + [true, false],
                    "the long line is rejected, \(before) lines before, window \(windowSize)")
                #expect(records.last?.text == "{\"text\": \"b\"}")
            }
        }
    }

    @Test func item11AWARCRecordOverTheLimitIsRejectedAndTheNextRead() throws {
        func record(_ id: String, _ body: String) -> String {
            "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:\(id)>\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)\r\n\r\n"
        }
        let content = Array(
            (record("a", "small") + record("big", String(repeating: "z", count: 5000)) + record("c", "after")).utf8)
        for (windowSize, chunk) in [(1 << 20, 1 << 20), (64, 29)] {
            let records = Self.records(content, format: .warc, limit: 1000, windowSize: windowSize, chunk: chunk)
            #expect(records.count == 3)
            #expect(records.map { $0.failure == nil } == [true, false, true])
            #expect(
                records[1].failure?.contains("longer than the 1000-byte limit") == true, "\(records[1].failure ?? "")")
            #expect(
                records[1].text.contains("urn:big") && !records[1].text.contains("zzz"),
                "the reject keeps the header, not the block")
            #expect(records[2].text.contains("after"))
        }
    }

    @Test func item11ARejectedRecordIsNotHeldBeyondTheLimit() {
        let limit = 1 << 16
        // A 4 MB line, a WARC record claiming 4 MB, and 4 MB that is not WARC at all before a record.
        let line = [UInt8](repeating: 0x61, count: 4 << 20) + Array("\n{}\n".utf8)
        let lying =
            Array("WARC/1.0\r\nContent-Length: \(4 << 20)\r\n\r\n".utf8) + [UInt8](repeating: 0x62, count: 4 << 20)
            + Array("\r\n\r\nWARC/1.0\r\nContent-Length: 2\r\n\r\nok\r\n\r\n".utf8)
        let junk =
            [UInt8](repeating: 0x63, count: 4 << 20) + Array("\nWARC/1.0\r\nContent-Length: 2\r\n\r\nok\r\n\r\n".utf8)
        for (content, format) in [(line, RecordFormat.jsonl), (lying, .warc), (junk, .warc)] {
            let window = InputWindow(
                path: "in", decompressor: DecompressingReader(source: MemorySource(content, chunkSizes: [100_000])),
                format: format, windowSize: 4096, maximumRecordBytes: limit)
            let reader = BatchReader(inputs: [InputFile(path: "in", size: nil)], format: format, windowSize: 4096) {
                _ in
                MemorySource(content, chunkSizes: [100_000])
            }
            reader.maximumRecordBytes = limit
            var count = 0
            while let batch = reader.next() { count += batch.records.count }
            #expect(count == 2, "\(format)")
            if format == .jsonl {
                while window.nextLine() != nil {}
                #expect(
                    window.window.count <= limit + InputWindow.headerRoom,
                    "the window did not grow to hold the rejected line")
            }
        }
        // The window of a WARC reader: read through `BatchReader`'s own window by reading the whole input through one.
        for content in [lying, junk] {
            let reader = BatchReader(inputs: [InputFile(path: "in", size: nil)], format: .warc, windowSize: 4096) { _ in
                MemorySource(content, chunkSizes: [100_000])
            }
            reader.maximumRecordBytes = limit
            var largest = 0
            while let batch = reader.next() { largest = max(largest, batch.bytes.count) }
            #expect(largest < limit, "no batch holds the rejected block")
        }
    }
}
