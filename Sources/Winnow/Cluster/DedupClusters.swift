#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clusters phase: every bucket's edges replayed in input order through the union-find a single-process dedup
/// builds, so each duplicate gets the same `duplicate_of` (its cluster's first document at the time it was read),
/// similarity and reason.
///
/// Memory: the edges (25 bytes each, held while sorting) and a parent entry for each document that is in an edge
/// (16 bytes plus the table's overhead, ≈ 40 bytes). At 10⁹ documents with a few percent duplicates that is tens of
/// GB; the design for that scale is an external sort of the edge files by `later` (runs of ≤ 4 GB merged k-way) and
/// the same forward replay, whose union-find then needs only the documents that are in edges.
enum DedupClusters {
    /// What the reduce phase applies to one document.
    struct Decision: Equatable {
        var position: UInt64
        var isExact: Bool
        var similarity: Double
        /// The id of the cluster's first document when this one was read.
        var rootID: String
    }

    /// The decisions, in position order, of every document that has an earlier duplicate.
    static func decide(_ edges: [DedupKeys.Edge], ids: (UInt64) -> String?) throws -> [Decision] {
        let sorted = edges.sorted { ($0.later, $0.first) < ($1.later, $1.first) }
        var parents: [UInt64: UInt64] = [:]
        func root(_ node: UInt64) -> UInt64 {
            var current = node
            while let parent = parents[current], parent != current { current = parent }
            // Path halving would change nothing the output shows; the chains stay short because unions point at
            // the earlier root.
            return current
        }
        func union(_ a: UInt64, _ b: UInt64) {
            let (x, y) = (root(a), root(b))
            guard x != y else { return }
            parents[max(x, y)] = min(x, y)
        }
        var decided: [(position: UInt64, root: UInt64, exact: Bool, similarity: Double)] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end].later == sorted[start].later { end += 1 }
            let later = sorted[start].later
            let group = sorted[start..<end]
            if let exact = group.first(where: \.isExact) {
                // An exact duplicate: its copy's cluster; it joins nothing (a single-process run does not index it).
                decided.append((later, root(exact.first), true, 1))
            } else {
                var duplicateOf: UInt64?
                var best = -1.0
                for edge in group {
                    if let current = duplicateOf { union(current, edge.first) }
                    duplicateOf = root(edge.first)
                    best = max(best, edge.similarity)
                }
                parents[later] = root(duplicateOf!)
                decided.append((later, duplicateOf!, false, best))
            }
            start = end
        }
        return try decided.map { entry in
            guard let id = ids(entry.root) else { throw ClusterError("no id for document \(entry.root >> 40):\(entry.root & 0xFF_FFFF_FFFF) in docs/") }
            return Decision(position: entry.position, isExact: entry.exact, similarity: entry.similarity, rootID: id)
        }
    }

    static func write(_ decisions: [Decision]) -> [UInt8] {
        var writer = LittleEndianWriter()
        for decision in decisions {
            writer.integer(decision.position)
            writer.integer(UInt8(decision.isExact ? 1 : 0))
            writer.integer(decision.similarity.bitPattern)
            writer.string(decision.rootID)
        }
        return writer.bytes
    }

    static func read(_ bytes: [UInt8], path: String) throws -> [UInt64: Decision] {
        try bytes.withUnsafeBytes { raw in
            var reader = LittleEndianReader(raw)
            var decisions: [UInt64: Decision] = [:]
            while reader.remaining > 0 {
                guard let position = reader.integer(UInt64.self), let exact = reader.integer(UInt8.self),
                      let bits = reader.integer(UInt64.self), let id = reader.string() else { throw ClusterError("\(path): truncated decisions") }
                decisions[position] = Decision(position: position, isExact: exact == 1, similarity: Double(bitPattern: bits), rootID: id)
            }
            return decisions
        }
    }
}

/// The reduce phase's ordered stage in place of dedup's look-up: the clusters phase's decision for each document,
/// written as `DedupLookup` writes it.
struct DedupDecisions: OrderedStage {
    static let name = "dedup"
    let plan: ClusterPlan
    let shard: Int
    let mode: DedupStage.Mode
    let fileNumbers: [String: Int]
    private let state = State()

    final class State {
        var decisions: [UInt64: DedupClusters.Decision] = [:]
    }

    init(plan: ClusterPlan, shard: Int, mode: DedupStage.Mode) {
        self.plan = plan
        self.shard = shard
        self.mode = mode
        var numbers: [String: Int] = [:]
        for index in plan.shards[shard] { numbers[plan.inputs[index].path] = index }
        fileNumbers = numbers
    }

    mutating func start() throws {
        let path = plan.path("decisions/\(shard).bin")
        state.decisions = try DedupClusters.read(try FileSource.contents(of: path), path: path)
    }

    mutating func process(_ document: inout Document) throws -> Verdict {
        guard let file = fileNumbers[document.source.file] else { throw ClusterError("\(document.source.file) is not an input of shard \(shard)") }
        let decision = state.decisions[ClusterPlan.position(file: file, ordinal: document.ordinal)]
        var result: JSONObject = [:]
        result["cluster"] = .string(decision?.rootID ?? document.id)
        result["duplicate_of"] = decision.map { .string($0.rootID) } ?? .null
        result["similarity"] = .fourDecimals(decision?.similarity ?? 1)
        document.fields[DedupStage.name] = .object(result)
        guard let decision, mode == .drop else { return .keep }
        return .drop(reason: decision.isExact ? "exact_duplicate" : "near_duplicate")
    }
}

/// Writing a phase's files so that a killed task leaves nothing that looks complete: a temporary name, then rename.
enum ClusterFiles {
    static func write(_ bytes: [UInt8], to path: String) throws {
        try makeDirectories(for: path)
        let file = try OutputFile(path: path)
        try file.write(bytes)
        try file.commit()
    }

    /// Makes the directories above `path`.
    static func makeDirectories(for path: String) throws {
        var current = path.hasPrefix("/") ? "/" : ""
        for piece in path.split(separator: "/").dropLast() {
            current += (current.isEmpty || current == "/" ? "" : "/") + piece
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw IOFailure.system(current, "cannot create the directory") }
        }
    }
}
