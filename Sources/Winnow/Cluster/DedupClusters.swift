#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clusters phase: every bucket's edges replayed in input order through the union-find a single-process dedup
/// builds, so each duplicate gets the same `duplicate_of` (its cluster's first document at the time it was read),
/// similarity and reason; or, for `keep: longest`, the connected components and each one's longest document.
///
/// Memory (`keep: first`): the edges are never held. Each bucket writes its edge file sorted by (later, first); this
/// phase maps the files and merges them k-way (`SortedRunMerge`), so it holds only the union-find's parent of each
/// duplicate (a dictionary entry, ≈ 40 bytes), the ids of the documents that are some pair's first (≈ 40 bytes +
/// the id), and one shard's decisions at a time: 136 bytes a pair of peak RSS at 10⁷ pairs, half of it the mapped
/// document files. `keep: longest` needs the whole graph: the edges in memory plus tables over the pairs and the
/// documents in them, 366 bytes a pair. Measured with `Scripts/ops/cluster-load.py` (README, "Running on a cluster").
enum DedupClusters {
    /// What the reduce phase applies to one document.
    struct Decision: Equatable {
        var position: UInt64
        var isExact: Bool
        var similarity: Double
        /// The id of the document its cluster keeps (for `keep: first`, the cluster's first when this one was read).
        var rootID: String
    }

    /// The decisions, in position order, of every document that is not the one its cluster keeps.
    static func decide(
        _ edges: [DedupKeys.Edge], keep: DedupStage.Keep, length: (UInt64) -> Int, ids: (UInt64) -> String?
    ) throws -> [Decision] {
        var decisions: [Decision] = []
        switch keep {
        case .first: try keepingFirst(edges.sorted(by: DedupKeys.Edge.replayOrder), ids: ids) { decisions.append($0) }
        case .longest: try keepingLongest(edges, length: length, ids: ids) { decisions.append($0) }
        }
        return decisions
    }

    private static func decision(
        _ position: UInt64, kept: UInt64, exact: Bool, similarity: Double, ids: (UInt64) -> String?
    ) throws -> Decision {
        guard let id = ids(kept) else {
            throw ClusterError("no id for document \(kept >> 40):\(kept & 0xFF_FFFF_FFFF) in docs/")
        }
        return Decision(position: position, isExact: exact, similarity: similarity, rootID: id)
    }

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

    /// `keep: first`, the single-process run's answer: the edges in replay order (by later, then first), each later
    /// document taking its cluster's first document at the time it was read. Streams: `edges` may be a merge of
    /// files far larger than memory; `emit` gets the decisions in position order.
    static func keepingFirst(
        _ edges: some Sequence<DedupKeys.Edge>, ids: (UInt64) -> String?, emit: (Decision) throws -> Void
    ) throws {
        var clusters = EarliestRoots()
        var group: [DedupKeys.Edge] = []
        func decideGroup() throws {
            guard let later = group.first?.later else { return }
            if let exact = group.first(where: \.isExact) {
                // An exact duplicate: its copy's cluster; it joins nothing (a single-process run does not index it).
                try emit(decision(later, kept: clusters.root(exact.first), exact: true, similarity: 1, ids: ids))
            } else {
                var duplicateOf: UInt64?
                var best = -1.0
                for edge in group {
                    if let current = duplicateOf { clusters.union(current, edge.first) }
                    duplicateOf = clusters.root(edge.first)
                    best = max(best, edge.similarity)
                }
                clusters.parents[later] = clusters.root(duplicateOf!)
                try emit(decision(later, kept: duplicateOf!, exact: false, similarity: best, ids: ids))
            }
            group.removeAll(keepingCapacity: true)
        }
        for edge in edges {
            if let current = group.first?.later, current != edge.later {
                guard current < edge.later else {
                    throw ClusterError("edges out of order: \(edge.later) after \(current)")
                }
                try decideGroup()
            }
            group.append(edge)
        }
        try decideGroup()
    }

    /// `keep: longest`: the connected components of all edges; each keeps its longest document (ties: the earliest)
    /// and every other member is its duplicate — exact when an exact pair joins the two, with the similarity of
    /// their pair, or else of the member's best pair.
    static func keepingLongest(
        _ edges: [DedupKeys.Edge], length: (UInt64) -> Int, ids: (UInt64) -> String?, emit: (Decision) throws -> Void
    ) throws {
        var clusters = EarliestRoots()
        var best: [UInt64: Double] = [:]
        var pairs: [Pair: DedupKeys.Edge] = [:]
        for edge in edges {
            clusters.union(edge.first, edge.later)
            for node in [edge.first, edge.later] { best[node] = max(best[node] ?? 0, edge.similarity) }
            let pair = Pair(edge.first, edge.later)
            // The pair's strongest edge, whatever order the buckets gave them in: exact, else the most similar.
            if let seen = pairs[pair],
                (seen.isExact ? 1 : 0, seen.similarity) >= (edge.isExact ? 1 : 0, edge.similarity)
            {
                continue
            }
            pairs[pair] = edge
        }
        let nodes = best.keys.sorted()
        var kept: [UInt64: UInt64] = [:]
        for node in nodes {
            let root = clusters.root(node)
            if let current = kept[root], length(current) >= length(node) { continue }
            kept[root] = node
        }
        for node in nodes {
            let keeper = kept[clusters.root(node)]!
            guard keeper != node else { continue }
            let pair = pairs[Pair(node, keeper)]
            try emit(
                decision(
                    node, kept: keeper, exact: pair?.isExact ?? false, similarity: pair?.similarity ?? best[node]!,
                    ids: ids))
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
                    let bits = reader.integer(UInt64.self), let id = reader.string()
                else { throw ClusterError("\(path): truncated decisions") }
                decisions[position] = Decision(
                    position: position, isExact: exact == 1, similarity: Double(bitPattern: bits), rootID: id)
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
        guard let file = fileNumbers[document.source.file] else {
            throw ClusterError("\(document.source.file) is not an input of shard \(shard)")
        }
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
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw IOFailure.system(current, "cannot create the directory")
            }
        }
    }
}
