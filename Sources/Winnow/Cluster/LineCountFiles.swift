import Foundation

/// The first pass of `repeated_lines`' `two_pass` mode, as files: the count-lines phase writes each shard's pairs
/// (line key, document key) — `RepeatedLineKeys`; the document key is a hash of the document's line hashes, so
/// copies of one text share it — as sorted runs without repeats, split by line key range into the plan's buckets,
/// `lines/B/S-R.bin` (16 bytes a line of a distinct text); the merge-lines phase merges bucket B's runs of every
/// shard, counts the distinct document keys of each line key, and keeps those counted at least `min_repeats` times,
/// `repeated/B.bin` (sorted u64); the run's removal loads every bucket's file in order (`RepeatedLineSet`).
///
/// So a line is repeated when `min_repeats` different texts of its source have it: copies of one article (which
/// dedup removes) count once, and the same lines go whether the copies sit in one file, many, or many shards.
/// Memory is bounded by the budget (`repeats_memory_mb`): a shard's pairs are sorted and spilled as a run whenever
/// they pass it, so the counts stay exact whatever the corpus; the merge holds one record a run.
enum LineCountFiles {
    static let recordSize = 16

    /// The bucket of a key: buckets are ranges of keys, so bucket files in order are sorted as a whole.
    static func bucket(of key: UInt64, buckets: Int) -> Int { Int(key.multipliedFullWidth(by: UInt64(buckets)).high) }

    static func runDirectory(_ plan: ClusterPlan, bucket: Int) -> String { plan.path("lines/\(bucket)") }

    /// Removes the runs an unfinished earlier attempt of the shard's task left.
    static func removeRuns(of shard: Int, in plan: ClusterPlan) throws {
        for bucket in 0..<plan.buckets {
            let directory = runDirectory(plan, bucket: bucket)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names where name.hasPrefix("\(shard)-") {
                try FileManager.default.removeItem(atPath: directory + "/" + name)
            }
        }
    }

    /// Merges bucket `bucket`'s runs of every shard; returns the line keys with at least `minimumRepeats` distinct
    /// document keys, sorted, and how many distinct line keys the runs held.
    static func merge(bucket: Int, plan: ClusterPlan, minimumRepeats: Int) throws -> (repeated: [UInt64], distinct: Int)
    {
        let directory = runDirectory(plan, bucket: bucket)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0.hasSuffix(".bin")
        }.sorted()
        let files = try names.map { name in
            let file = try MappedFile(path: directory + "/" + name)
            guard file.bytes.count % recordSize == 0 else {
                throw ClusterError("\(file.path): truncated line-count run")
            }
            return file
        }
        let runs: [SortedRunMerge<LineInDocument>.Run] = files.map { file in
            (
                file.bytes.count / recordSize,
                { index in
                    LineInDocument(
                        line: file.bytes.loadUnaligned(fromByteOffset: index * recordSize, as: UInt64.self)
                            .littleEndian,
                        document: file.bytes.loadUnaligned(fromByteOffset: index * recordSize + 8, as: UInt64.self)
                            .littleEndian)
                }
            )
        }
        var repeated: [UInt64] = []
        var distinct = 0
        var current: (pair: LineInDocument, documents: Int)?
        func close() {
            if let current, current.documents >= minimumRepeats { repeated.append(current.pair.line) }
        }
        for pair in SortedRunMerge(runs, by: <) {
            guard let last = current?.pair, last.line == pair.line else {
                close()
                current = (pair, 1)
                distinct += 1
                continue
            }
            if last.document != pair.document { current = (pair, current!.documents + 1) }
        }
        close()
        return (repeated, distinct)
    }

    /// The repeated keys of every bucket, in key order.
    static func repeatedSet(_ plan: ClusterPlan) throws -> RepeatedLineSet {
        var keys: [UInt64] = []
        for bucket in 0..<plan.buckets {
            let file = try MappedFile(path: plan.path("repeated/\(bucket).bin"))
            guard file.bytes.count % 8 == 0 else { throw ClusterError("\(file.path): truncated") }
            for index in 0..<(file.bytes.count / 8) {
                keys.append(file.bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self).littleEndian)
            }
        }
        return RepeatedLineSet(sortedKeys: keys)
    }
}

/// A line key and the key of a document that has the line.
struct LineInDocument: Comparable {
    var line: UInt64
    var document: UInt64

    static func < (a: LineInDocument, b: LineInDocument) -> Bool { (a.line, a.document) < (b.line, b.document) }
}

/// The count-lines phase's stand-in for `repeated_lines`: gathers each document's (line key, document key) pairs
/// and spills them, sorted and without repeats, as a run when they pass the budget and at the end. Changes no
/// document.
struct RepeatedLineCounter: OrderedStage {
    static let name = RepeatedLines.name
    let plan: ClusterPlan
    let shard: Int
    let memoryBytes: Int
    private var pairs: [LineInDocument] = []
    private var spilled = 0

    init(plan: ClusterPlan, shard: Int, memoryBytes: Int) {
        self.plan = plan
        self.shard = shard
        self.memoryBytes = memoryBytes
    }

    mutating func process(_ document: inout Document) throws -> Verdict {
        let keys = RepeatedLineKeys.keys(of: &document)
        let documentKey = RepeatedLineKeys.documentKey(keys)
        for key in keys { pairs.append(LineInDocument(line: key, document: documentKey)) }
        if pairs.count * MemoryLayout<LineInDocument>.stride > memoryBytes / 2 { try spill() }
        return .keep
    }

    mutating func finish() throws { try spill() }

    /// Sorting needs as much again as the pairs, so a run is spilled at half the budget.
    private mutating func spill() throws {
        pairs.sort()
        var writers = [LittleEndianWriter](repeating: LittleEndianWriter(), count: plan.buckets)
        var previous: LineInDocument?
        for pair in pairs where pair != previous {
            let bucket = LineCountFiles.bucket(of: pair.line, buckets: plan.buckets)
            writers[bucket].integer(pair.line)
            writers[bucket].integer(pair.document)
            previous = pair
        }
        for (bucket, writer) in writers.enumerated() where !writer.bytes.isEmpty {
            try ClusterFiles.write(
                writer.bytes, to: LineCountFiles.runDirectory(plan, bucket: bucket) + "/\(shard)-\(spilled).bin")
        }
        spilled += 1
        pairs = []
    }
}
