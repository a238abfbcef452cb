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

    /// The decisions, in position order, of every document that is not the one its cluster keeps.
    static func decide(_ edges: [DedupKeys.Edge], keep: DedupStage.Keep, length: (UInt64) -> Int, ids: (UInt64) -> String?) throws -> [Decision] {
        let decided = keep == .first ? keepingFirst(edges) : keepingLongest(edges, length: length)
        return try decided.map { entry in
            guard let id = ids(entry.kept) else { throw ClusterError("no id for document \(entry.kept >> 40):\(entry.kept & 0xFF_FFFF_FFFF) in docs/") }
            return Decision(position: entry.position, isExact: entry.exact, similarity: entry.similarity, rootID: id)
        }
    }

    private typealias Decided = (position: UInt64, kept: UInt64, exact: Bool, similarity: Double)

    /// A union-find over positions whose roots are the earliest member (unions point at the earlier root).
    private struct EarliestRoots {
        var parents: [UInt64: UInt64] = [:]

        func root(_ node: UInt64) -> UInt64 {
            var current = node
            // Path halving would change nothing the output shows; the chains stay short because unions point at
            // the earlier root.
            while let parent = parents[current], parent != current { current = parent }
            return current
        }

        mutating func union(_ a: UInt64, _ b: UInt64) {
            let (x, y) = (root(a), root(b))
            guard x != y else { return }
            parents[max(x, y)] = min(x, y)
        }
    }

    /// `keep: first`, the single-process run's answer: the edges in input order, each later document taking its
    /// cluster's first document at the time it was read.
    private static func keepingFirst(_ edges: [DedupKeys.Edge]) -> [Decided] {
        let sorted = edges.sorted { ($0.later, $0.first) < ($1.later, $1.first) }
        var clusters = EarliestRoots()
        var decided: [Decided] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end].later == sorted[start].later { end += 1 }
            let later = sorted[start].later
            let group = sorted[start..<end]
            if let exact = group.first(where: \.isExact) {
                // An exact duplicate: its copy's cluster; it joins nothing (a single-process run does not index it).
                decided.append((later, clusters.root(exact.first), true, 1))
            } else {
                var duplicateOf: UInt64?
                var best = -1.0
                for edge in group {
                    if let current = duplicateOf { clusters.union(current, edge.first) }
                    duplicateOf = clusters.root(edge.first)
                    best = max(best, edge.similarity)
                }
                clusters.parents[later] = clusters.root(duplicateOf!)
                decided.append((later, duplicateOf!, false, best))
            }
            start = end
        }
        return decided
    }

    /// `keep: longest`: the connected components of all edges; each keeps its longest document (ties: the earliest)
    /// and every other member is its duplicate — exact when an exact pair joins the two, with the similarity of
    /// their pair, or else of the member's best pair.
    private static func keepingLongest(_ edges: [DedupKeys.Edge], length: (UInt64) -> Int) -> [Decided] {
        var clusters = EarliestRoots()
        var best: [UInt64: Double] = [:]
        var pairs: [Pair: DedupKeys.Edge] = [:]
        for edge in edges {
            clusters.union(edge.first, edge.later)
            for node in [edge.first, edge.later] { best[node] = max(best[node] ?? 0, edge.similarity) }
            let pair = Pair(edge.first, edge.later)
            // The pair's strongest edge, whatever order the buckets gave them in: exact, else the most similar.
            if let seen = pairs[pair], (seen.isExact ? 1 : 0, seen.similarity) >= (edge.isExact ? 1 : 0, edge.similarity) { continue }
            pairs[pair] = edge
        }
        var kept: [UInt64: UInt64] = [:]
        for node in best.keys.sorted() {
            let root = clusters.root(node)
            if let current = kept[root], length(current) >= length(node) { continue }
            kept[root] = node
        }
        return best.keys.sorted().compactMap { node in
            let keeper = kept[clusters.root(node)]!
            guard keeper != node else { return nil }
            let pair = pairs[Pair(node, keeper)]
            return (node, keeper, pair?.isExact ?? false, pair?.similarity ?? best[node]!)
        }
    }

    private struct Pair: Hashable {
        var low: UInt64, high: UInt64
        init(_ a: UInt64, _ b: UInt64) { (low, high) = (min(a, b), max(a, b)) }
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
public enum ClusterFiles {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try makeDirectories(for: path)
        let file = try OutputFile(path: path)
        try file.write(bytes)
        try file.commit()
    }

    /// Makes the directories above `path`.
    public static func makeDirectories(for path: String) throws {
        var current = path.hasPrefix("/") ? "/" : ""
        for piece in path.split(separator: "/").dropLast() {
            current += (current.isEmpty || current == "/" ? "" : "/") + piece
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw IOFailure.system(current, "cannot create the directory") }
        }
    }
}
