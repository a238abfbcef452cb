import Foundation
import Testing
@testable import Winnow

/// Issue 20: a plan's phases, run task by task, write the single-process run's output byte for byte, whatever the
/// number of shards and buckets, and remove the duplicates planted across shards.
@Suite(.enabled(if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"))
struct ClusterPhasesTests {
    /// A corpus of `files` JSONL files of random-word documents, with exact and near copies planted in other files.
    static func corpus(in directory: URL, files: Int = 10) throws -> (planted: (exact: Set<String>, near: Set<String>), input: URL) {
        var random = SeededGenerator(seed: 20)
        let vocabulary = (0..<3000).map { "w\($0)" }
        func document() -> [String] { (0..<Int.random(in: 80...200, using: &random)).map { _ in vocabulary.randomElement(using: &random)! } }
        var parts = Array(repeating: [String](), count: files)
        var originals: [[String]] = []
        var exact = Set<String>(), near = Set<String>()
        func line(_ id: String, _ words: [String]) -> String { #"{"id": "\#(id)", "text": "\#(words.joined(separator: " "))."}"# }
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
            parts[min(files - 1, source % files + 1 + Int.random(in: 0..<(files - 1 - min(files - 2, source % files)), using: &random))]
                .append(line("copy\(copy)", words))
        }
        let input = directory.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for (index, lines) in parts.enumerated() {
            try (lines.joined(separator: "\n") + "\n").write(to: input.appendingPathComponent(String(format: "part%02d.jsonl", index)), atomically: true, encoding: .utf8)
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
    func runPhases(_ pipeline: String, _ input: URL, shards: Int, buckets: Int, work: URL) throws -> (output: [UInt8], rejects: [UInt8]) {
        _ = try run(["plan", pipeline, input.path, "--shards", "\(shards)", "--buckets", "\(buckets)", "--work", work.path])
        for (phase, tasks) in [("map", shards), ("buckets", buckets), ("clusters", 1), ("reduce", shards)] {
            for task in 0..<tasks { _ = try run([phase, "--work", work.path, "--task", "\(task)", "--jobs", "2"]) }
        }
        var output: [UInt8] = [], rejects: [UInt8] = []
        for shard in 0..<shards {
            output += TestSupport.drain(DecompressingReader(source: try FileSource(path: work.appendingPathComponent("out/\(shard).jsonl.gz").path))).bytes
            rejects += TestSupport.drain(DecompressingReader(source: try FileSource(path: work.appendingPathComponent("rejects/\(shard).jsonl.gz").path))).bytes
        }
        return (output, rejects)
    }

    @Test func anyNumberOfShardsAndBucketsGivesTheSingleProcessOutput() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (planted, input) = try Self.corpus(in: directory)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 0}\n  - dedup: {}\n  - stats: {}\n".write(to: pipeline, atomically: true, encoding: .utf8)
        let rejectsPath = directory.appendingPathComponent("single-rejects.jsonl").path
        let single = try TestSupport.runWinnow(["run", pipeline.path, input.path, "--no-progress", "--rejects", rejectsPath])
        #expect(single.status == 0)
        let singleRejects = try FileSource.contents(of: rejectsPath)
        let rejected = String(decoding: singleRejects, as: UTF8.self)
        #expect(planted.exact.allSatisfy { rejected.contains(#""id":"\#($0)""#) } && rejected.contains("exact_duplicate"))
        let nearFound = planted.near.filter { rejected.contains(#""id":"\#($0)""#) }.count
        #expect(nearFound * 10 >= planted.near.count * 7 && rejected.contains("near_duplicate"), "planted near copies found: \(nearFound) of \(planted.near.count)")
        for (shards, buckets) in [(1, 1), (3, 2), (8, 4), (12, 3)] {
            let work = directory.appendingPathComponent("work-\(shards)-\(buckets)")
            let phased = try runPhases(pipeline.path, input, shards: shards, buckets: buckets, work: work)
            #expect(phased.output == Array(single.stdout), "\(shards) shards, \(buckets) buckets: the output")
            #expect(phased.rejects == singleRejects, "\(shards) shards, \(buckets) buckets: the rejects")
        }
    }

    @Test func aFinishedTaskIsSkippedAndUnsupportedDedupOptionsAreRefused() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, input) = try Self.corpus(in: directory, files: 3)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try "version: 1\nstages:\n  - decode: {}\n  - dedup: {}\n".write(to: pipeline, atomically: true, encoding: .utf8)
        let work = directory.appendingPathComponent("work")
        _ = try runPhases(pipeline.path, input, shards: 2, buckets: 2, work: work)
        #expect(try run(["reduce", "--work", work.path, "--task", "1"]).contains("already done"))
        let exact = directory.appendingPathComponent("exact.yaml")
        try "version: 1\nstages:\n  - decode: {}\n  - dedup: {verify: exact}\n".write(to: exact, atomically: true, encoding: .utf8)
        let refused = try TestSupport.runWinnow(["plan", exact.path, input.path, "--shards", "2", "--work", directory.appendingPathComponent("w2").path])
        #expect(refused.status == 2 && String(decoding: refused.stderr, as: UTF8.self).contains("verify: exact"))
    }

    @Test func shardsAreContiguousAndBalanced() {
        #expect(ClusterPlan.partition([10, 10, 10, 10], into: 2) == [0..<2, 2..<4])
        #expect(ClusterPlan.partition([10, 10, 10], into: 3) == [0..<1, 1..<2, 2..<3])
        #expect(ClusterPlan.partition([100, 1, 1, 1], into: 2) == [0..<1, 1..<4])
        #expect(ClusterPlan.partition([5, 5], into: 4) == [0..<1, 1..<2, 2..<2, 2..<2])
        #expect(ClusterPlan.partition([], into: 3) == [0..<0, 0..<0, 0..<0])
    }
}
