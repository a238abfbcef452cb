import Foundation
import Testing
@testable import Winnow

/// Issue 23: line removal never lets copies slip past dedup — dedup's signatures come from the text before
/// `repeated_lines` removes lines, so copies of a corpus in one file or in many give the same documents.
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"
    ))
struct RepeatedLinesDedupTests {
    @Test func dedupSignsTheTextBeforeLinesAreRemoved() throws {
        let pipeline = try Pipeline.parse(
            "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 3}\n  - sentences: {}\n  - dedup: {}\n",
            file: "p.yaml")
        #expect(
            pipeline.steps.map(\.name) == [
                "decode", "clean", "dedup_signatures", "repeated_lines", "sentences", "dedup",
            ])
        // A second clean changes the text again: dedup signs after it, before only its own line removal.
        let twoCleans = try Pipeline.parse(
            "version: 1\nstages:\n  - clean: {min_repeats: 3}\n  - clean: {}\n  - dedup: {}\n", file: "p.yaml")
        #expect(
            twoCleans.steps.map(\.name) == [
                "decode", "clean", "repeated_lines", "clean", "dedup_signatures", "repeated_lines", "dedup",
            ])
        let noRemoval = try Pipeline.parse(
            "version: 1\nstages:\n  - clean: {min_repeats: 0}\n  - dedup: {}\n", file: "p.yaml")
        #expect(noRemoval.steps.map(\.name) == ["decode", "clean", "dedup_signatures", "dedup"])
    }

    @Test func copiesInOneFileOrInManyGiveTheSameDocuments() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SeededGenerator(seed: 23)
        let words = [
            "river", "stone", "market", "winter", "signal", "harbour", "garden", "engine", "letter", "valley", "mirror",
            "forest",
        ]
        func sentence() -> String {
            (0..<12).map { _ in words.randomElement(using: &random)! }.joined(separator: " ").capitalized + "."
        }
        // 30 articles; each has its own lines and two lines every article of the source shares.
        let articles = (0..<30).map { index in
            #"{"id": "a\#(index)", "text": "\#((0..<4).map { _ in sentence() }.joined(separator: "\\n"))\nShare this article on social media.\nAll rights reserved by the publisher."}"#
        }
        let corpus = articles.joined(separator: "\n") + "\n"
        let many = directory.appendingPathComponent("many")
        try FileManager.default.createDirectory(at: many, withIntermediateDirectories: true)
        for copy in 0..<20 {
            try corpus.write(
                to: many.appendingPathComponent(String(format: "copy%02d.jsonl", copy)), atomically: true,
                encoding: .utf8)
        }
        let one = directory.appendingPathComponent("one.jsonl")
        try String(repeating: corpus, count: 20).write(to: one, atomically: true, encoding: .utf8)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 10}\n  - dedup: {}\n".write(
            to: pipeline, atomically: true, encoding: .utf8)
        func documents(_ input: URL) throws -> [String] {
            let result = try TestSupport.runWinnow(["run", pipeline.path, input.path, "--no-progress"])
            #expect(result.status == 0)
            return try String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map { line in
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return "\(record["id"]!) \(record["text"]!)"
            }
        }
        let fromOne = try documents(one), fromMany = try documents(many)
        #expect(
            fromOne.count == 30,
            "one file: \(fromOne.count) documents written; the 19 later copies of each article are duplicates")
        #expect(fromOne == fromMany)
        #expect(
            fromOne.allSatisfy { !$0.contains("Share this article") && !$0.contains("All rights reserved") },
            "the lines every article has are removed from all")
    }

    /// 40 articles of one site, each with its own lines, a footer every article has, a line 6 of them share and
    /// one 2 of them share; as JSONL records in the given order.
    static func site(order: [Int]) -> String {
        var random = SeededGenerator(seed: 9)
        let words = ["river", "stone", "market", "winter", "signal", "harbour", "garden", "engine", "letter", "valley"]
        let articles = (0..<40).map { index in
            var lines = (0..<3).map { _ in
                (0..<10).map { _ in words.randomElement(using: &random)! }.joined(separator: " ").capitalized + "."
            }
            lines.append("The harbour desk covers the valley towns each week.")
            if index % 7 == 0 { lines.append("Related: the council budget in six charts.") }
            if index < 2 { lines.append("Correction: an earlier version misnamed the mayor.") }
            return
                #"{"id": "a\#(index)", "text": "\#(lines.joined(separator: "\\n"))", "url": "https://news.example.org/\#(index)"}"#
        }
        return order.map { articles[$0] }.joined(separator: "\n") + "\n"
    }

    func texts(
        _ pipelineText: String, _ corpus: String, stdin: Bool = false
    ) throws -> (records: [String: String], stderr: String) {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pipeline = directory.appendingPathComponent("p.yaml"), input = directory.appendingPathComponent("in.jsonl")
        try pipelineText.write(to: pipeline, atomically: true, encoding: .utf8)
        try corpus.write(to: input, atomically: true, encoding: .utf8)
        let result =
            stdin
            ? try TestSupport.runWinnow(["run", pipeline.path, "-", "--no-progress"], stdin: input)
            : try TestSupport.runWinnow(["run", pipeline.path, input.path, "--no-progress", "--jobs", "2"])
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        #expect(result.status == 0, "\(stderr)")
        var records: [String: String] = [:]
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            records[record["id"] as! String] = record["text"] as? String
        }
        return (records, stderr)
    }

    @Test func aLineInMinRepeatsDocumentsOfASourceLeavesAllOfThemWhateverTheOrder() throws {
        let pipeline = "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 5}\n"
        let (inOrder, stderr) = try texts(pipeline, Self.site(order: Array(0..<40)))
        #expect(stderr.contains("repeated_lines: counted in two passes 40"), "\(stderr)")
        #expect(inOrder.count == 40)
        #expect(
            inOrder.values.allSatisfy { !$0.contains("The harbour desk") && !$0.contains("Related: the council") },
            "removed from every document, the first ones too")
        #expect(inOrder.values.filter { $0.contains("Correction:") }.count == 2, "a line of 2 documents stays")
        var random = SeededGenerator(seed: 3)
        for _ in 0..<3 {
            let shuffled = try texts(pipeline, Self.site(order: Array(0..<40).shuffled(using: &random))).records
            #expect(shuffled == inOrder, "the order of a source's documents changed what was removed")
        }
        // One pass: the first 4 documents with a line keep it, and which those are depends on the order.
        let onePass = try texts(
            "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 5, min_repeats_mode: one_pass}\n",
            Self.site(order: Array(0..<40)))
        #expect(onePass.records.values.filter { $0.contains("The harbour desk") }.count == 4)
        #expect(onePass.stderr.contains("repeated_lines: counted in one pass"))
    }

    @Test func standardInputIsCountedInOnePassAndTheSummarySaysSo() throws {
        let (records, stderr) = try texts(
            "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 5}\n", Self.site(order: Array(0..<40)),
            stdin: true)
        #expect(
            stderr.contains("repeated_lines: counted in one pass (standard input cannot be read twice) 40"), "\(stderr)"
        )
        #expect(records.values.filter { $0.contains("The harbour desk") }.count == 4)
    }
}
