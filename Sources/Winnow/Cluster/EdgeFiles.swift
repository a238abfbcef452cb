#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only: the clusters phase reads edge and document files bigger than it could hold, and the
/// kernel pages them in and out as the merge walks them.
final class MappedFile {
    let path: String
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IOFailure.system(path, "cannot open") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw IOFailure.system(path, "cannot stat") }
        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw IOFailure.system(path, "cannot map")
        }
        madvise(base, size, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}

/// One bucket's edge file: fixed-size records, sorted by (later, first) as the buckets phase writes them.
struct EdgeFile {
    let file: MappedFile
    var count: Int { file.bytes.count / DedupKeys.Edge.size }

    init(path: String) throws {
        file = try MappedFile(path: path)
        guard file.bytes.count % DedupKeys.Edge.size == 0 else { throw ClusterError("\(path): truncated edge file") }
    }

    subscript(index: Int) -> DedupKeys.Edge {
        let start = index * DedupKeys.Edge.size
        var reader = LittleEndianReader(
            UnsafeRawBufferPointer(rebasing: file.bytes[start..<(start + DedupKeys.Edge.size)]))
        return DedupKeys.Edge.read(&reader)!
    }
}

/// Sorted runs (files of fixed-size records) merged k-way into one sorted stream, holding one element a run: the
/// clusters phase merges the buckets' edge files, the merge-lines phase the shards' line-count runs. Equal
/// elements come in run order.
struct SortedRunMerge<Element>: Sequence, IteratorProtocol {
    /// A run: its length and its element at an index.
    typealias Run = (count: Int, element: (Int) -> Element)
    private let runs: [Run]
    private let precedes: (Element, Element) -> Bool
    private var heap: [(element: Element, run: Int, index: Int)] = []

    init(_ runs: [Run], by precedes: @escaping (Element, Element) -> Bool) {
        self.runs = runs
        self.precedes = precedes
        for (number, run) in runs.enumerated() where run.count > 0 { push((run.element(0), number, 0)) }
    }

    private func before(
        _ a: (element: Element, run: Int, index: Int), _ b: (element: Element, run: Int, index: Int)
    ) -> Bool {
        precedes(a.element, b.element) || (!precedes(b.element, a.element) && a.run < b.run)
    }

    private mutating func push(_ item: (element: Element, run: Int, index: Int)) {
        heap.append(item)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func next() -> Element? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && before(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count && before(heap[right], heap[smallest]) { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        if top.index + 1 < runs[top.run].count { push((runs[top.run].element(top.index + 1), top.run, top.index + 1)) }
        return top.element
    }
}

extension SortedRunMerge where Element == DedupKeys.Edge {
    /// The edges of every bucket's file in replay order (later, first; then bucket, so the same pair found in two
    /// buckets comes in one order).
    init(edges files: [EdgeFile]) {
        self.init(files.map { file in (file.count, { file[$0] }) }) { ($0.later, $0.first) < ($1.later, $1.first) }
    }
}

/// The clusters phase's output written as it is decided: decisions come in position order, so shard after shard.
struct DecisionFiles {
    let plan: ClusterPlan
    private var shard = 0
    private var decisions: [DedupClusters.Decision] = []
    private(set) var count = 0

    init(plan: ClusterPlan) { self.plan = plan }

    mutating func add(_ decision: DedupClusters.Decision) throws {
        let owner = ClusterPlan.shard(ofPosition: decision.position, in: plan)
        while shard < owner { try flush() }
        decisions.append(decision)
        count += 1
    }

    private mutating func flush() throws {
        try ClusterFiles.write(DedupClusters.write(decisions), to: plan.path("decisions/\(shard).bin"))
        decisions.removeAll(keepingCapacity: true)
        shard += 1
    }

    /// Writes the last shards' files (empty ones too).
    mutating func finish() throws {
        while shard < plan.shards.count { try flush() }
    }
}
