import Foundation
import Testing
@testable import Winnow

/// Issue 23: the two-pass count of repeated lines — the counter's sorted runs, spilled under a memory budget and
/// merged over shards, give exactly what counting every document in memory gives.
@Suite struct RepeatedLinesTwoPassTests {
    static func document(_ text: String, host: String, ordinal: Int) -> Document {
        Document(
            id: "d\(ordinal)", text: text, metadata: ["url": .string("https://\(host)/\(ordinal)")],
            source: SourceLocation(file: "in.jsonl", line: ordinal + 1), ordinal: ordinal)
    }

    /// Random documents over three hosts from a small pool of lines (so lines recur), with some documents copied.
    static func corpus(seed: UInt64, count: Int) -> [Document] {
        var random = SeededGenerator(seed: seed)
        let pool = (0..<60).map { "Line number \(String(UnicodeScalar(UInt8(65 + $0 % 26)))) of kind \($0 / 26) here" }
        var documents: [Document] = []
        for ordinal in 0..<count {
            if ordinal > 0 && Int.random(in: 0..<5, using: &random) == 0 {
                // A copy of an earlier text of the same source.
                let earlier = documents[Int.random(in: 0..<documents.count, using: &random)]
                var copy = earlier
                copy.ordinal = ordinal
                copy.id = "d\(ordinal)"
                documents.append(copy)
                continue
            }
            let lines = (0..<Int.random(in: 1...6, using: &random)).map { _ in
                pool[Int.random(in: 0..<pool.count, using: &random)]
            }
            documents.append(
                document(
                    lines.joined(separator: "\n"), host: ["a.example", "b.example", "c.example"][ordinal % 3],
                    ordinal: ordinal))
        }
        return documents
    }

    /// The repeated keys counted in memory: a line key's distinct document keys.
    static func expectedRepeated(_ documents: [Document], minimumRepeats: Int) -> Set<UInt64> {
        var texts: [UInt64: Set<UInt64>] = [:]
        for var document in documents {
            let keys = RepeatedLineKeys.keys(of: &document)
            let documentKey = RepeatedLineKeys.documentKey(keys)
            for key in keys { texts[key, default: []].insert(documentKey) }
        }
        return Set(texts.filter { $0.value.count >= minimumRepeats }.keys)
    }

    @Test func spilledRunsOverShardsCountWhatMemoryCounts() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let documents = Self.corpus(seed: 5, count: 400)
        for (shards, buckets, budget) in [(1, 1, 1 << 20), (3, 4, 16 * 40)] {
            let plan = ClusterPlan(
                workDirectory: directory.appendingPathComponent("w\(shards)").path, pipelinePath: "", inputs: [],
                shards: 1, buckets: buckets)
            for shard in 0..<shards {
                var counter = RepeatedLineCounter(plan: plan, shard: shard, memoryBytes: budget)
                for var document in documents where document.ordinal % shards == shard {
                    #expect(try counter.process(&document) == .keep)
                }
                try counter.finish()
            }
            let runs = try FileManager.default.subpathsOfDirectory(atPath: plan.path("lines")).filter {
                $0.hasSuffix(".bin")
            }
            #expect(budget > 1000 ? runs.count <= buckets : runs.count > 3 * shards, "\(runs.count) runs")
            for minimumRepeats in [2, 4, 9] {
                var found = Set<UInt64>()
                var previous: UInt64 = 0
                for bucket in 0..<buckets {
                    let merged = try LineCountFiles.merge(bucket: bucket, plan: plan, minimumRepeats: minimumRepeats)
                        .repeated
                    #expect(merged.first.map { $0 > previous } ?? true, "buckets are key ranges in order")
                    #expect(merged == merged.sorted())
                    previous = merged.last ?? previous
                    found.formUnion(merged)
                }
                #expect(
                    found == Self.expectedRepeated(documents, minimumRepeats: minimumRepeats),
                    "\(shards) shards, min_repeats \(minimumRepeats)")
            }
        }
    }

    @Test func copiesOfOneTextCountOnce() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = ClusterPlan(workDirectory: directory.path, pipelinePath: "", inputs: [], shards: 1, buckets: 1)
        var counter = RepeatedLineCounter(plan: plan, shard: 0, memoryBytes: 1 << 20)
        // One article five times, and a footer under three different articles.
        for ordinal in 0..<5 {
            var copy = Self.document("The same article.\nWord for word.", host: "a.example", ordinal: ordinal)
            _ = try counter.process(&copy)
        }
        for ordinal in 5..<8 {
            var other = Self.document(
                "Article \(["one", "two", "three"][ordinal - 5]).\nSubscribe to our newsletter", host: "a.example",
                ordinal: ordinal)
            _ = try counter.process(&other)
        }
        try counter.finish()
        let repeated = RepeatedLineSet(
            sortedKeys: try LineCountFiles.merge(bucket: 0, plan: plan, minimumRepeats: 3).repeated)
        #expect(repeated.count == 1)
        var footer = Self.document("Subscribe to our newsletter", host: "a.example", ordinal: 9)
        var copied = Self.document("Word for word.", host: "a.example", ordinal: 10)
        var elsewhere = Self.document("Subscribe to our newsletter", host: "b.example", ordinal: 11)
        #expect(repeated.contains(RepeatedLineKeys.keys(of: &footer)[0]))
        #expect(!repeated.contains(RepeatedLineKeys.keys(of: &copied)[0]), "five copies of one text are one document")
        #expect(!repeated.contains(RepeatedLineKeys.keys(of: &elsewhere)[0]), "another host is another source")
    }

    @Test func theSetFindsExactlyItsKeys() {
        var random = SeededGenerator(seed: 11)
        for size in [0, 1, 2, 3, 1000, 70_000] {
            let keys = Set((0..<size).map { _ in random.next() | 1 })
            let set = RepeatedLineSet(sortedKeys: keys.sorted())
            #expect(set.count == keys.count)
            #expect(keys.allSatisfy(set.contains), "size \(size)")
            let others = (0..<2000).map { _ in random.next() }.filter { !keys.contains($0) }
            #expect(!others.contains(where: set.contains), "size \(size)")
            #expect(!set.contains(0) && (size > 0 || !set.contains(UInt64.max)))
        }
    }

    @Test func mergedRunsComeOutSortedWithTiesInRunOrder() {
        let runs: [[(UInt64, Int)]] = [[(1, 0), (4, 0), (9, 0)], [], [(1, 2), (2, 2), (9, 2)], [(0, 3)]]
        let merged = Array(SortedRunMerge(runs.map { run in (run.count, { run[$0] }) }) { $0.0 < $1.0 })
        #expect(merged.map(\.0) == [0, 1, 1, 2, 4, 9, 9])
        #expect(merged.map(\.1) == [3, 0, 2, 2, 0, 0, 2])
    }

    @Test func onePassForgetsLinesSeenOnceWhenTheTableIsFull() throws {
        var table = LineCounts()
        for key in 1...3000 as ClosedRange<UInt64> {
            _ = table.count(key &* 0x9E37_79B9_7F4A_7C15, inDocument: Int(key))
        }
        for document in 0..<3 { _ = table.count(42, inDocument: 10_000 + document) }
        let before = table.memoryBytes
        table.removeSingletons()
        #expect(table.count == 1 && table.memoryBytes < before)
        #expect(table.count(42, inDocument: 20_000) == 4, "a repeated line keeps its count")
    }
}
