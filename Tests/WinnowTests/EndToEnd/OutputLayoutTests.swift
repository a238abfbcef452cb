import Foundation
import Testing
@testable import Winnow

/// Issue 19, items 3–5: which fields are written, the datatrove and dolma shapes, rotated directory outputs, and one
/// schema over every input kind.
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"
    ))
struct OutputLayoutTests {
    func pipeline(
        _ output: String, stages: String = "  - decode: {}\n  - sentences: {}\n  - language: {}\n", in directory: URL
    ) throws -> String {
        let url = directory.appendingPathComponent("p-\(UUID().uuidString).yaml")
        try "version: 1\nname: test-corpus\nstages:\n\(stages)output:\n\(output)".write(
            to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func records(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try TestSupport.runWinnow(arguments + ["--no-progress"])
        #expect(result.status == 0, "\(arguments): \(String(decoding: result.stderr, as: UTF8.self))")
        return try String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func fieldsIncludeOrExcludeWhatIsWritten() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let all = try records(["run", try pipeline("  profile: winnow\n", in: directory), "Samples/news-en.jsonl.gz"])
        #expect(all.allSatisfy { $0["sentences"] != nil && $0["languages"] != nil && $0["metadata"] != nil })
        let excluded = try records([
            "run", try pipeline("  fields: {exclude: [sentences, languages]}\n", in: directory),
            "Samples/news-en.jsonl.gz",
        ])
        #expect(excluded.count == all.count)
        #expect(
            excluded.allSatisfy {
                $0["sentences"] == nil && $0["languages"] == nil && $0["language"] != nil && $0["source"] != nil
            })
        let included = try records([
            "run", try pipeline("  fields: {include: [language]}\n", in: directory), "Samples/news-en.jsonl.gz",
        ])
        #expect(
            included.allSatisfy { Set($0.keys) == ["id", "text", "language"] },
            "id and text are always written: \(included.first?.keys.sorted() ?? [])")
        // Rejects have their own selection and keep their reason.
        let rejects = directory.appendingPathComponent("rejects.jsonl").path
        _ = try records([
            "run", try pipeline("  rejects_fields: {include: [source]}\n", in: directory), "Samples/malformed.jsonl.gz",
            "--rejects", rejects,
        ])
        let rejected = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(!rejected.isEmpty && rejected.allSatisfy { $0.contains(#""error""#) })
        let bad = try TestSupport.runWinnow([
            "validate", try pipeline("  fields: {include: [a], exclude: [b]}\n", in: directory),
        ])
        #expect(bad.status == 2 && String(decoding: bad.stderr + bad.stdout, as: UTF8.self).contains("one of include"))
    }

    @Test func theDatatroveProfileNestsAnnotationsAndReadsBackWithoutNesting() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = try records([
            "run", try pipeline("  profile: datatrove\n", in: directory), "Samples/news-en.jsonl.gz",
        ])
        #expect(!written.isEmpty && written.allSatisfy { Set($0.keys) == ["id", "text", "metadata"] })
        let metadata = written[0]["metadata"] as! [String: Any]
        #expect(
            metadata["language"] as? String == "en" && metadata["sentences"] is [String] && metadata["title"] is String)
        // Read again by Winnow: the metadata's members are the input's fields, not metadata.metadata.
        let file = directory.appendingPathComponent("datatrove.jsonl")
        try TestSupport.runWinnow([
            "run", try pipeline("  profile: datatrove\n", in: directory), "Samples/news-en.jsonl.gz", "--no-progress",
        ]).stdout
            .write(to: file)
        let again = try records([
            "run", try pipeline("  profile: winnow\n", stages: "  - decode: {}\n", in: directory), file.path,
        ])
        let reread = again[0]["metadata"] as! [String: Any]
        #expect(reread["metadata"] == nil && reread["title"] as? String == metadata["title"] as? String)
    }

    @Test func theDolmaProfileWritesDolmasDocumentFields() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = try records([
            "run", try pipeline("  profile: dolma\n", in: directory), "Samples/news-en.jsonl.gz",
        ])
        #expect(!written.isEmpty)
        for record in written {
            #expect(
                Set(record.keys) == ["id", "text", "source", "added", "created", "metadata"], "\(record.keys.sorted())")
            #expect(record["source"] as? String == "test-corpus", "the pipeline's name when the input has no source")
            let added = record["added"] as? String ?? ""
            #expect(added.count == 20 && added.hasSuffix("Z"), "ISO 8601 UTC: \(added)")
            #expect(record["created"] as? String != nil && record["metadata"] is [String: Any])
        }
        #expect(
            written.contains { $0["created"] as? String == "2026-03-01" }, "created from the input's published date")
    }

    @Test func aDirectoryOutputRotatesCompleteFilesNamedByShard() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rotating = try pipeline("  max_file_bytes: 2000\n", stages: "  - decode: {}\n", in: directory)
        let single = try TestSupport.runWinnow(["run", rotating, "Samples", "--no-progress", "--batch-records", "2"])
        let out = directory.appendingPathComponent("out").path + "/"
        let result = try TestSupport.runWinnow([
            "run", rotating, "Samples", "-o", out, "--no-progress", "--batch-records", "2",
        ])
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(
            names.count > 2 && names.first == "00000.jsonl.gz"
                && names.allSatisfy { $0.hasSuffix(".jsonl.gz") && !$0.hasPrefix(".") }, "\(names)")
        var joined: [UInt8] = []
        for name in names {
            let bytes = try FileSource.contents(of: out + name)
            #expect(bytes.count < 2000 + 4096, "a file ends at the first batch past the size")
            let decoded = TestSupport.drain(DecompressingReader(source: MemorySource(bytes)))
            #expect(decoded.error == nil && decoded.bytes.last == 0x0A, "each file is whole gzip of whole lines")
            joined += decoded.bytes
        }
        #expect(joined == Array(single.stdout), "the files in order are the single output")
        // A rerun with fewer files leaves none of the old ones behind; a shard's files carry its number.
        let fewer = try pipeline("  max_file_bytes: 100000000\n", stages: "  - decode: {}\n", in: directory)
        #expect(try TestSupport.runWinnow(["run", fewer, "Samples", "-o", out, "--no-progress"]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["00000.jsonl.gz"])
        #expect(
            try TestSupport.runWinnow(["run", fewer, "Samples", "-o", out, "--no-progress", "--shard", "2/2"]).status
                == 0)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["00000.jsonl.gz", "2-00000.jsonl.gz"])
    }

    /// Item 4: JSONL, text and WARC inputs give records whose every field has one JSON type across all of them.
    @Test func everyInputKindWritesOneSchema() throws {
        let result = try TestSupport.runWinnow([
            "run", "Pipelines/news.yaml", "Samples/news-en.jsonl.gz", "Samples/notiz-de.txt.gz",
            "Samples/crawl.warc.gz", "--no-progress",
        ])
        var parser = JSONParser()
        var types: [String: Set<String>] = [:]
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        for line in lines {
            guard case .object(let record) = try parser.parse(String(line)) else {
                Issue.record("not an object"); continue
            }
            for member in record.members { types[member.key, default: []].insert(member.value.typeName) }
        }
        #expect(lines.count >= 3)
        for (key, seen) in types { #expect(seen.subtracting(["null"]).count == 1, "\(key) has types \(seen)") }
        #expect(
            types["metadata"] == ["an object"] && types["source"] == ["an object"] && types["id"] == ["a string"],
            "\(types)")
    }

    /// The Python that has datasets, pandas, DuckDB, datatrove and dolma (`.ci/run` makes the venv), if any.
    static let peerPython = ProcessInfo.processInfo.environment["WINNOW_PEER_PYTHON"].flatMap {
        FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil
    }

    /// Items 4 and 5, with the real readers: Scripts/peers/read-with-peers.py loads every output kind and profile.
    @Test(
        .enabled(
            if: OutputLayoutTests.peerPython != nil,
            "skipped: needs WINNOW_PEER_PYTHON, a Python with datasets, pandas, duckdb, datatrove and dolma (.ci/run makes one)"
        ))
    func thePeersReadersLoadTheOutputs() throws {
        let result = try TestSupport.runWinnow(
            ["Scripts/peers/read-with-peers.py", TestSupport.winnowBinary!.path],
            binary: URL(fileURLWithPath: Self.peerPython!))
        let report = String(decoding: result.stdout, as: UTF8.self)
        #expect(
            result.status == 0 && report.contains("all checks passed"),
            "\(report)\n\(String(decoding: result.stderr.suffix(2000), as: UTF8.self))")
    }
}
