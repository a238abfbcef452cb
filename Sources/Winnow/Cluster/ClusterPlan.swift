#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A multi-phase run of one pipeline over a corpus, for a cluster (Slurm job arrays, Ray tasks): the inputs, their
/// partition into shards, the number of key buckets, and where every phase reads and writes. Files in the work
/// directory are the only exchange between tasks, so any engine that can run `winnow` commands can run it.
///
/// Phases (each task one `winnow` command; `winnow plan` prints them):
/// 0. With clean's `repeated_lines` (`min_repeats_mode: two_pass`): `count-lines` (one task a shard) counts the
///    shard's lines per source into sorted runs split by key into buckets (`lines/B/S-R.bin`), and `merge-lines`
///    (one task a bucket) sums them over the shards and keeps the repeated ones (`repeated/B.bin`), which map and
///    reduce remove from every document (`LineCountFiles`). Without it both phases' tasks do nothing.
/// 1. `map` (one task a shard): the stages up to dedup over the shard's inputs; writes the dedup keys of its
///    documents, split into buckets by key (`keys/B/S.bin`), their ids (`docs/S.bin`), and the documents that reach
///    dedup with the rejects so far (`map/S.bin`, a `BatchSpill` file) and its counts (`map/S.json`).
/// 2. `buckets` (one task a bucket): merges the bucket's key files of every shard and writes the verified duplicate
///    pairs (`edges/B.bin`).
/// 3. `clusters` (one task): replays the pairs in input order through the same union-find as a single-process run
///    and writes each shard's decisions (`decisions/S.bin`).
/// 4. `reduce` (one task a shard): carries on from `map/S.bin` at dedup, with dedup's decisions taken from
///    `decisions/S.bin`, through the stages after it; writes `out/S.jsonl.gz`, `rejects/S.jsonl.gz` and
///    `stats/S.json` (the map's counts of the steps before dedup and its own after). Without dedup, the whole
///    pipeline over the shard's inputs.
///
/// Shards are contiguous runs of the input list (balanced by size), so `out/0…`, `out/1…`, … in order are the
/// single-process run's output, byte for byte, whatever the number of shards and buckets. Each task writes its
/// files under temporary names, renames them, and then writes `done/PHASE-N`; a rerun skips finished tasks.
public struct ClusterPlan: Sendable, Equatable {
    public var workDirectory: String
    /// The pipeline file the plan was made from (its text is copied to `pipeline.yaml` in the work directory).
    public var pipelinePath: String
    public var inputs: [InputFile]
    /// Each shard's inputs: `inputs[range]`.
    public var shards: [Range<Int>]
    public var buckets: Int
    /// The phases that have work, in order: all, or all but count-lines and merge-lines when the pipeline counts no
    /// repeated lines in two passes.
    public var phases: [Phase]

    public enum Phase: String, Sendable, CaseIterable {
        case countLines = "count-lines", mergeLines = "merge-lines", map, buckets, clusters, reduce

        /// What one task of the phase does.
        public var summary: String {
            switch self {
            case .countLines:
                "A plan's first phase when clean removes repeated lines in two passes: one shard's lines counted per source, in sorted runs by bucket."
            case .mergeLines:
                "After count-lines: one bucket's line counts of every shard merged; the lines in min_repeats documents of a source kept."
            case .map:
                "A plan's map phase: one shard's stages up to dedup; writes its dedup keys by bucket and its documents for reduce."
            case .buckets:
                "A plan's buckets phase: one bucket's keys of every shard merged into verified duplicate pairs."
            case .clusters:
                "A plan's clusters phase: the pairs replayed in input order into each shard's duplicate decisions."
            case .reduce:
                "A plan's last phase: one shard's documents from map through dedup's decisions and the stages after; writes out/N.jsonl.gz."
            }
        }
    }

    public init(
        workDirectory: String, pipelinePath: String, inputs: [InputFile], shards shardCount: Int, buckets: Int,
        phases: [Phase] = Phase.allCases
    ) {
        self.workDirectory = workDirectory
        self.phases = phases
        self.pipelinePath = pipelinePath
        self.inputs = inputs
        self.buckets = max(1, buckets)
        shards = Self.partition(inputs.map { $0.size ?? 0 }, into: max(1, shardCount))
    }

    /// Contiguous ranges of `sizes` with about the same total each: shard k ends where the running total first
    /// reaches (k + 1)/N of the whole, but every shard gets an input while inputs last (so N ≤ inputs leaves none
    /// empty; more shards than inputs leave the last ones empty).
    static func partition(_ sizes: [Int], into count: Int) -> [Range<Int>] {
        let total = Double(max(sizes.reduce(0, +), 1))
        var prefix = [0]
        for size in sizes { prefix.append(prefix.last! + size) }
        var ranges: [Range<Int>] = []
        var start = 0
        for shard in 0..<count {
            var end = sizes.count
            if shard < count - 1 {
                let goal = total * Double(shard + 1) / Double(count)
                end = prefix.firstIndex { Double($0) >= goal } ?? sizes.count
                let cap = max(start + 1, sizes.count - (count - 1 - shard))
                end = min(max(end, start + 1), cap, sizes.count)
            }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    /// How many tasks a phase has.
    public func tasks(of phase: Phase) -> Int {
        switch phase {
        case .countLines, .map, .reduce: shards.count
        case .mergeLines, .buckets: buckets
        case .clusters: 1
        }
    }

    /// A path in the work directory.
    public func path(_ relative: String) -> String { workDirectory + "/" + relative }

    public var copiedPipelinePath: String { path("pipeline.yaml") }

    /// The marker a finished task leaves.
    public func marker(_ phase: Phase, _ task: Int) -> String { path("done/\(phase.rawValue)-\(task)") }

    public func isDone(_ phase: Phase, _ task: Int) -> Bool { access(marker(phase, task), F_OK) == 0 }

    /// The position of a record in the whole input: its input's number in the plan, then its ordinal in the run
    /// of its shard (which counts the same in map and reduce). Orders documents as the single-process run does.
    static func position(file: Int, ordinal: Int) -> UInt64 { UInt64(file) << 40 | UInt64(ordinal) }

    static func shard(ofPosition position: UInt64, in plan: ClusterPlan) -> Int {
        let file = Int(position >> 40)
        return plan.shards.firstIndex { $0.contains(file) } ?? 0
    }

    // MARK: - The plan file

    public var json: JSONValue {
        .object([
            "version": .int(1),
            "pipeline": .string(pipelinePath),
            "work": .string(workDirectory),
            "buckets": .int(buckets),
            "inputs": .array(
                inputs.map { .object(["path": .string($0.path), "size": $0.size.map { .int($0) } ?? .null]) }),
            "shards": .array(shards.map { .array([.int($0.lowerBound), .int($0.upperBound)]) }),
            "phases": .array(
                phases.map { phase in
                    .object(["name": .string(phase.rawValue), "tasks": .int(tasks(of: phase))])
                }),
        ])
    }

    /// Reads `plan.json` of a work directory.
    public static func load(workDirectory: String) throws -> ClusterPlan {
        let file = workDirectory + "/plan.json"
        var parser = JSONParser()
        let bytes = try FileSource.contents(of: file)
        guard case .object(let object) = try bytes.withUnsafeBytes({ try parser.parseValue($0) }),
            case .string(let pipeline)? = object["pipeline"], case .array(let inputs)? = object["inputs"],
            case .array(let shards)? = object["shards"], let buckets = object["buckets"]?.intValue
        else {
            throw ClusterError("\(file): not a winnow plan (run winnow plan first)")
        }
        guard case .array(let listed)? = object["phases"] else {
            throw ClusterError("\(file): not a winnow plan (no phases)")
        }
        let phases = try listed.map { value in
            guard case .object(let phase) = value, case .string(let name)? = phase["name"],
                let known = Phase(rawValue: name)
            else {
                throw ClusterError("\(file): a phase this winnow does not know")
            }
            return known
        }
        var plan = ClusterPlan(
            workDirectory: workDirectory, pipelinePath: pipeline, inputs: [], shards: 1, buckets: buckets,
            phases: phases)
        plan.inputs = try inputs.map { value in
            guard case .object(let input) = value, case .string(let path)? = input["path"] else {
                throw ClusterError("\(file): an input without a path")
            }
            return InputFile(path: path, size: input["size"]?.intValue)
        }
        plan.shards = try shards.map { value in
            guard case .array(let bounds) = value, bounds.count == 2, let start = bounds[0].intValue,
                let end = bounds[1].intValue,
                0 <= start, start <= end, end <= plan.inputs.count
            else { throw ClusterError("\(file): a shard that is not a range of the inputs") }
            return start..<end
        }
        return plan
    }
}

/// A problem with a plan or a phase's files, with the path.
public struct ClusterError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
