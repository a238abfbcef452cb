import Foundation
import Testing
@testable import Winnow

/// Issue 23: line removal never lets copies slip past dedup — dedup's signatures come from the text before
/// `repeated_lines` removes lines, so copies of a corpus in one file or in many give the same documents.
@Suite(.enabled(if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"))
struct RepeatedLinesDedupTests {
    @Test func dedupSignsTheTextBeforeLinesAreRemoved() throws {
        let pipeline = try Pipeline.parse("version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 3}\n  - sentences: {}\n  - dedup: {}\n", file: "p.yaml")
        #expect(pipeline.steps.map(\.name) == ["decode", "clean", "dedup_signatures", "repeated_lines", "sentences", "dedup"])
        // A second clean changes the text again: dedup signs after it, before only its own line removal.
        let twoCleans = try Pipeline.parse("version: 1\nstages:\n  - clean: {min_repeats: 3}\n  - clean: {}\n  - dedup: {}\n", file: "p.yaml")
        #expect(twoCleans.steps.map(\.name) == ["decode", "clean", "repeated_lines", "clean", "dedup_signatures", "repeated_lines", "dedup"])
        let noRemoval = try Pipeline.parse("version: 1\nstages:\n  - clean: {min_repeats: 0}\n  - dedup: {}\n", file: "p.yaml")
        #expect(noRemoval.steps.map(\.name) == ["decode", "clean", "dedup_signatures", "dedup"])
    }

    @Test func copiesInOneFileOrInManyGiveTheSameDocuments() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SeededGenerator(seed: 23)
        let words = ["river", "stone", "market", "winter", "signal", "harbour", "garden", "engine", "letter", "valley", "mirror", "forest"]
        func sentence() -> String { (0..<12).map { _ in words.randomElement(using: &random)! }.joined(separator: " ").capitalized + "." }
        // 30 articles; each has its own lines and two lines every article of the source shares.
        let articles = (0..<30).map { index in
            #"{"id": "a\#(index)", "text": "\#((0..<4).map { _ in sentence() }.joined(separator: "\\n"))\nShare this article on social media.\nAll rights reserved by the publisher."}"#
        }
        let corpus = articles.joined(separator: "\n") + "\n"
        let many = directory.appendingPathComponent("many")
        try FileManager.default.createDirectory(at: many, withIntermediateDirectories: true)
        for copy in 0..<20 { try corpus.write(to: many.appendingPathComponent(String(format: "copy%02d.jsonl", copy)), atomically: true, encoding: .utf8) }
        let one = directory.appendingPathComponent("one.jsonl")
        try String(repeating: corpus, count: 20).write(to: one, atomically: true, encoding: .utf8)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 10}\n  - dedup: {}\n".write(to: pipeline, atomically: true, encoding: .utf8)
        func documents(_ input: URL) throws -> [String] {
            let result = try TestSupport.runWinnow(["run", pipeline.path, input.path, "--no-progress"])
            #expect(result.status == 0)
            return try String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map { line in
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return "\(record["id"]!) \(record["text"]!)"
            }
        }
        let fromOne = try documents(one), fromMany = try documents(many)
        #expect(fromOne.count == 30, "one file: \(fromOne.count) documents written; the 19 later copies of each article are duplicates")
        #expect(fromOne == fromMany)
    }
}
