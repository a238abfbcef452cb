import Foundation
import Testing
@testable import Winnow

/// Issue 20: a plan's phases, run task by task, write the single-process run's output byte for byte, whatever the
/// number of shards and buckets, and remove the duplicates planted across shards.
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"
    ))
struct ClusterPhasesTests {
    /// A corpus of `files` JSONL files of random-word documents, with exact and near copies planted in other files.
    static func corpus(
        in directory: URL, files: Int = 10
    ) throws -> (planted: (exact: Set<String>, near: Set<String>), input: URL) {
        var random = SeededGenerator(seed: 20)
        // Letters only: dedup folds every number to 0, so words like "w17" would make all documents one.
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let vocabulary: [String] = (0..<3000).map { (index: Int) -> String in
            String([letters[index % 26], letters[index / 26 % 26], letters[index / 676 % 26], "o"])
        }
        func document() -> [String] {
            (0..<Int.random(in: 80...200, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }
        }
        var parts = Array(repeating: [String](), count: files)
        var originals: [[String]] = []
        var exact = Set<String>(), near = Set<String>()
        func line(_ id: String, _ words: [String]) -> String {
            #"{"id": "\#(id)", "text": "\#(words.joined(separator: " "))."}"#
        }
        for index in 0..<300 {
            let words = document()
            originals.append(words)
            parts[index % files].append(line("d\(index)", words))
        }
        for copy in 0..<40 {
            let source = Int.random(in: 0..<150, using: &random)
            var words = originals[source]
            if copy % 2 == 1 {
                for _ in 0..<1 { words[Int.random(in: 0..<words.count, using: &random)] = "changed" }
                near.insert("copy\(copy)")
            } else {
                exact.insert("copy\(copy)")
            }
            // Always in a later file than the original, so the copy is the later document.
            parts[
                min(
                    files - 1,
                    source % files + 1
                        + Int.random(in: 0..<(files - 1 - min(files - 2, source % files)), using: &random))
            ]
            .append(line("copy\(copy)", words))
        }
        let input = directory.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for (index, lines) in parts.enumerated() {
            try (lines.joined(separator: "\n") + "\n").write(
                to: input.appendingPathComponent(String(format: "part%02d.jsonl", index)), atomically: true,
                encoding: .utf8)
        }
        return ((exact, near), input)
    }

    func run(_ arguments: [String]) throws -> String {
        let result = try TestSupport.runWinnow(arguments)
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        #expect(result.status == 0, "\(arguments): \(stderr)")
        return stderr
    }

    /// Runs every task of every phase; returns the concatenated outputs and rejects.
    func runPhases(
        _ pipeline: String, _ input: URL, shards: Int, buckets: Int, work: URL
    ) throws -> (output: [UInt8], rejects: [UInt8]) {
        _ = try run([
            "plan", pipeline, input.path, "--shards", "\(shards)", "--buckets", "\(buckets)", "--work", work.path,
        ])
        let plan = try ClusterPlan.load(workDirectory: work.path)
        for phase in plan.phases {
            for task in 0..<plan.tasks(of: phase) {
                _ = try run([phase.rawValue, "--work", work.path, "--task", "\(task)", "--jobs", "2"])
            }
        }
        return try Self.outputs(of: work, shards: shards)
    }

    /// A work directory's outputs and rejects, shard after shard: what one run would have written.
    static func outputs(of work: URL, shards: Int) throws -> (output: [UInt8], rejects: [UInt8]) {
        var output: [UInt8] = [], rejects: [UInt8] = []
        for shard in 0..<shards {
            output +=
                TestSupport.drain(
                    DecompressingReader(
                        source: try FileSource(path: work.appendingPathComponent("out/\(shard).jsonl.gz").path))
                ).bytes
            rejects +=
                TestSupport.drain(
                    DecompressingReader(
                        source: try FileSource(path: work.appendingPathComponent("rejects/\(shard).jsonl.gz").path))
                ).bytes
        }
        return (output, rejects)
    }

    @Test func anyNumberOfShardsAndBucketsGivesTheSingleProcessOutput() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (planted, input) = try Self.corpus(in: directory)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 0}\n  - dedup: {}\n  - stats: {}\n".write(
            to: pipeline, atomically: true, encoding: .utf8)
        let rejectsPath = directory.appendingPathComponent("single-rejects.jsonl").path
        let single = try TestSupport.runWinnow([
            "run", pipeline.path, input.path, "--no-progress", "--rejects", rejectsPath,
        ])
        #expect(single.status == 0)
        let singleRejects = try FileSource.contents(of: rejectsPath)
        let rejected = String(decoding: singleRejects, as: UTF8.self)
        #expect(
            planted.exact.allSatisfy { rejected.contains(#""id":"\#($0)""#) } && rejected.contains("exact_duplicate"))
        // Only copies are removed: every original is kept.
        #expect(!rejected.contains(#""id":"d"#), "an original document was removed")
        let nearFound = planted.near.filter { rejected.contains(#""id":"\#($0)""#) }.count
        #expect(
            nearFound * 10 >= planted.near.count * 7 && rejected.contains("near_duplicate"),
            "planted near copies found: \(nearFound) of \(planted.near.count)")
        for (shards, buckets) in [(1, 1), (3, 2), (8, 4), (12, 3)] {
            let work = directory.appendingPathComponent("work-\(shards)-\(buckets)")
            let phased = try runPhases(pipeline.path, input, shards: shards, buckets: buckets, work: work)
            // Compared as Bools: a failing byte comparison would print both corpora.
            let sameOutput = phased.output == Array(single.stdout), sameRejects = phased.rejects == singleRejects
            #expect(sameOutput, "\(shards) shards, \(buckets) buckets: the output")
            #expect(sameRejects, "\(shards) shards, \(buckets) buckets: the rejects")
        }
    }

    /// Reduce carries on from the documents the map phase wrote: everything a document holds past dedup (the
    /// fields of sentences, language and stats, the statistics a later filter reads), the rejects and drops before
    /// dedup, and the counts of every step come out as one run's.
    @Test func reduceCarriesOnFromTheMapPhasesDocumentsAsOneRunWould() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, input) = try Self.corpus(in: directory, files: 6)
        try #"{"id": "broken", "text": "#.appending("\n{\"id\": \"short\", \"text\": \"Too short.\"}\n")
            .write(to: input.appendingPathComponent("part03b.jsonl"), atomically: true, encoding: .utf8)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try """
        version: 1
        stages:
          - decode: {}
          - clean: {min_repeats: 0}
          - sentences: {}
          - language: {}
          - stats: {}
          - filter: {min_words: 5}
          - dedup: {}
          - filter: {max_words: 150}
        """.write(to: pipeline, atomically: true, encoding: .utf8)
        let rejectsPath = directory.appendingPathComponent("single-rejects.jsonl").path
        let statsPath = directory.appendingPathComponent("single-stats.json").path
        let single = try TestSupport.runWinnow([
            "run", pipeline.path, input.path, "--no-progress", "--rejects", rejectsPath, "--stats", statsPath,
        ])
        #expect(single.status == 0)
        let work = directory.appendingPathComponent("work")
        let phased = try runPhases(pipeline.path, input, shards: 4, buckets: 2, work: work)
        let sameOutput = phased.output == Array(single.stdout),
            sameRejects = phased.rejects == (try FileSource.contents(of: rejectsPath))
        #expect(sameOutput)
        #expect(sameRejects)
        let rejects = String(decoding: phased.rejects, as: UTF8.self)
        #expect(
            rejects.contains("malformed JSON") && rejects.contains(#""reason":"min_words""#)
                && rejects.contains("duplicate"))
        // The reduce phases' counts add up to the single run's (time and output bytes aside).
        var merged = try RunSummary.load(path: work.appendingPathComponent("stats/0.json").path)
        for shard in 1..<4 {
            try merged.merge(RunSummary.load(path: work.appendingPathComponent("stats/\(shard).json").path))
        }
        let expected = try RunSummary.load(path: statsPath)
        func comparable(_ summary: RunSummary) -> RunSummary {
            var summary = summary
            for index in summary.stages.indices { summary.stages[index].seconds = 0 }
            (summary.wallSeconds, summary.outputBytes, summary.corpus) = (0, 0, nil)
            return summary
        }
        let sameCounts = comparable(merged).json == comparable(expected).json
        #expect(sameCounts, "\(comparable(merged).json) against \(comparable(expected).json)")
    }

    @Test func repeatedLinesCountedOverTheCorpusGiveTheSameOutputInAnyPlan() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // One site's 40 articles spread over 8 files, and copies of 6 of them (new ids) in later files: a line of
        // the site's footer is in documents of every shard.
        var records = RepeatedLinesDedupTests.site(order: Array(0..<40)).split(separator: "\n").map(String.init)
        for (copy, original) in [3, 9, 14, 20, 27, 31].enumerated() {
            records.append(
                records[original].replacingOccurrences(of: #""id": "a\#(original)""#, with: #""id": "copy\#(copy)""#))
        }
        let input = directory.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for file in 0..<8 {
            let part = records.indices.filter { $0 < 40 ? $0 % 8 == file : file == 7 }.map { records[$0] }
            try (part.joined(separator: "\n") + "\n").write(
                to: input.appendingPathComponent("part\(file).jsonl"), atomically: true, encoding: .utf8)
        }
        for keep in ["first", "longest"] {
            let pipeline = directory.appendingPathComponent("p-\(keep).yaml")
            try "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 5}\n  - dedup: {keep: \(keep)}\n".write(
                to: pipeline, atomically: true, encoding: .utf8)
            let rejectsPath = directory.appendingPathComponent("rejects-\(keep).jsonl").path
            let single = try TestSupport.runWinnow([
                "run", pipeline.path, input.path, "--no-progress", "--rejects", rejectsPath,
            ])
            #expect(single.status == 0, "\(String(decoding: single.stderr, as: UTF8.self))")
            let output = String(decoding: single.stdout, as: UTF8.self)
            #expect(
                output.split(separator: "\n").count == 40 && !output.contains("The harbour desk"),
                "the footer is removed from every document")
            let singleRejects = try FileSource.contents(of: rejectsPath)
            let rejected = String(decoding: singleRejects, as: UTF8.self).split(separator: "\n")
            #expect(rejected.count == 6 && rejected.allSatisfy { $0.contains("exact_duplicate") }, "\(rejected)")
            let planned = try TestSupport.runWinnow([
                "plan", pipeline.path, input.path, "--shards", "8", "--work",
                directory.appendingPathComponent("noted-\(keep)").path,
            ])
            let said = String(decoding: planned.stdout + planned.stderr, as: UTF8.self)
            #expect(
                said.contains("winnow count-lines") && said.contains("winnow merge-lines")
                    && !said.contains("sees one shard"), "\(said)")
            for (shards, buckets) in [(1, 1), (4, 2), (8, 3)] {
                let phased = try runPhases(
                    pipeline.path, input, shards: shards, buckets: buckets,
                    work: directory.appendingPathComponent("w-\(keep)-\(shards)"))
                let sameOutput = phased.output == Array(single.stdout), sameRejects = phased.rejects == singleRejects
                #expect(sameOutput, "keep \(keep), \(shards) shards, \(buckets) buckets: the output")
                #expect(sameRejects, "keep \(keep), \(shards) shards, \(buckets) buckets: the rejects")
            }
        }
    }

    @Test func keepLongestKeepsEachClustersLongestDocumentInOneRunAndInPhases() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (planted, input) = try Self.corpus(in: directory)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try "version: 1\nstages:\n  - decode: {}\n  - dedup: {keep: longest}\n".write(
            to: pipeline, atomically: true, encoding: .utf8)
        let rejectsPath = directory.appendingPathComponent("single-rejects.jsonl").path
        let single = try TestSupport.runWinnow([
            "run", pipeline.path, input.path, "--no-progress", "--rejects", rejectsPath, "--jobs", "2",
        ])
        #expect(single.status == 0, "\(String(decoding: single.stderr, as: UTF8.self))")
        let singleRejects = try FileSource.contents(of: rejectsPath)
        var removed: [String: (duplicateOf: String, reason: String)] = [:]
        for line in String(decoding: singleRejects, as: UTF8.self).split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let dedup = try #require(record["dedup"] as? [String: Any]),
                dropped = try #require(record["dropped"] as? [String: Any])
            removed[record["id"] as! String] = (dedup["duplicate_of"] as! String, dropped["reason"] as! String)
        }
        // A near copy has a word replaced by the longer "changed": the copy is longer, so its original goes and
        // points at it; an exact copy is as long as its original, so the earlier one stays.
        let nearKept = planted.near.filter { copy in removed.values.contains { $0.duplicateOf == copy } }
        #expect(
            nearKept.count * 10 >= planted.near.count * 7,
            "near copies kept over their originals: \(nearKept.count) of \(planted.near.count)")
        #expect(
            planted.near.allSatisfy { removed[$0] == nil || removed[$0]!.duplicateOf.hasPrefix("copy") },
            "a near copy removed for a shorter original")
        #expect(
            planted.exact.allSatisfy { removed[$0] != nil },
            "an exact copy was kept over its (earlier, as long) original")
        #expect(
            removed.values.contains { $0.reason == "near_duplicate" }
                && removed.values.contains { $0.reason == "exact_duplicate" })
        for (shards, buckets) in [(1, 1), (4, 3)] {
            let phased = try runPhases(
                pipeline.path, input, shards: shards, buckets: buckets,
                work: directory.appendingPathComponent("work-\(shards)"))
            // Compared as Bools: a failing byte comparison would print both corpora.
            let sameOutput = phased.output == Array(single.stdout), sameRejects = phased.rejects == singleRejects
            #expect(sameOutput, "\(shards) shards, \(buckets) buckets: the output")
            #expect(sameRejects, "\(shards) shards, \(buckets) buckets: the rejects")
        }
        let fromStandardInput = try TestSupport.runWinnow(
            ["run", pipeline.path, "-", "--no-progress"], stdin: input.appendingPathComponent("part00.jsonl"))
        #expect(
            fromStandardInput.status == 2
                && String(decoding: fromStandardInput.stderr, as: UTF8.self).contains(
                    "standard input cannot be read again")
        )
    }

    @Test func aFinishedTaskIsSkippedAndUnsupportedDedupOptionsAreRefused() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, input) = try Self.corpus(in: directory, files: 3)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try "version: 1\nstages:\n  - decode: {}\n  - dedup: {}\n".write(
            to: pipeline, atomically: true, encoding: .utf8)
        let work = directory.appendingPathComponent("work")
        _ = try runPhases(pipeline.path, input, shards: 2, buckets: 2, work: work)
        #expect(try run(["reduce", "--work", work.path, "--task", "1"]).contains("already done"))
        let exact = directory.appendingPathComponent("exact.yaml")
        try "version: 1\nstages:\n  - decode: {}\n  - dedup: {verify: exact}\n".write(
            to: exact, atomically: true, encoding: .utf8)
        let refused = try TestSupport.runWinnow([
            "plan", exact.path, input.path, "--shards", "2", "--work", directory.appendingPathComponent("w2").path,
        ])
        #expect(refused.status == 2 && String(decoding: refused.stderr, as: UTF8.self).contains("verify: exact"))
        let repeated = directory.appendingPathComponent("repeated.yaml")
        try
            "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 5, min_repeats_mode: one_pass}\n  - dedup: {}\n"
            .write(to: repeated, atomically: true, encoding: .utf8)
        let noted = try TestSupport.runWinnow([
            "plan", repeated.path, input.path, "--shards", "2", "--work", directory.appendingPathComponent("w3").path,
        ])
        #expect(
            noted.status == 0
                && String(decoding: noted.stderr, as: UTF8.self).contains("repeated_lines sees one shard's documents"))
    }

    @Test func decisionsDoNotDependOnTheOrderOfTheEdges() throws {
        // 1–2–3 chained (2 an exact copy of 1), 5–6; lengths make 3 and 6 the longest.
        let edges = [
            DedupKeys.Edge(later: 2, first: 1, similarity: 1, isExact: true),
            DedupKeys.Edge(later: 2, first: 1, similarity: 1, isExact: false),
            DedupKeys.Edge(later: 3, first: 2, similarity: 0.85, isExact: false),
            DedupKeys.Edge(later: 3, first: 1, similarity: 0.9, isExact: false),
            DedupKeys.Edge(later: 6, first: 5, similarity: 0.8, isExact: false),
        ]
        let lengths: [UInt64: Int] = [1: 100, 2: 100, 3: 120, 5: 50, 6: 50]
        var random = SeededGenerator(seed: 7)
        for keep in [DedupStage.Keep.first, .longest] {
            let expected = try DedupClusters.decide(edges, keep: keep, length: { lengths[$0]! }, ids: { "d\($0)" })
            for _ in 0..<20 {
                #expect(
                    try DedupClusters.decide(
                        edges.shuffled(using: &random), keep: keep, length: { lengths[$0]! }, ids: { "d\($0)" })
                        == expected)
            }
            if keep == .first {
                #expect(
                    expected.map(\.position) == [2, 3, 6]
                        && expected.allSatisfy { $0.rootID == "d1" || $0.rootID == "d5" } && expected[0].isExact)
            } else {
                // 3 is longest of its cluster; 5 and 6 tie, so the earlier (5) stays.
                #expect(
                    expected.map(\.position) == [1, 2, 6] && expected[0].rootID == "d3" && expected[1].rootID == "d3"
                        && expected[2].rootID == "d5")
                #expect(!expected[0].isExact && expected[0].similarity == 0.9 && expected[1].similarity == 0.85)
            }
        }
    }

    @Test func shardsAreContiguousAndBalanced() {
        #expect(ClusterPlan.partition([10, 10, 10, 10], into: 2) == [0..<2, 2..<4])
        #expect(ClusterPlan.partition([10, 10, 10], into: 3) == [0..<1, 1..<2, 2..<3])
        #expect(ClusterPlan.partition([100, 1, 1, 1], into: 2) == [0..<1, 1..<4])
        #expect(ClusterPlan.partition([5, 5], into: 4) == [0..<1, 1..<2, 2..<2, 2..<2])
        #expect(ClusterPlan.partition([], into: 3) == [0..<0, 0..<0, 0..<0])
    }
}
