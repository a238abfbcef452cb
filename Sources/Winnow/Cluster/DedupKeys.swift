/// Dedup's keys as the cluster phases exchange them, and the two phases that make and merge them.
///
/// A single-process dedup (`DedupLookup`) takes, for each document in input order, the first earlier document with
/// its exact hash (an exact duplicate) or else, in each band, the first earlier document with its band key (the
/// candidates), verifies the candidates with their sketches and joins the clusters. The first document with a key
/// is never an exact duplicate (an earlier copy would have the same keys), so which document is "first with a key"
/// can be decided bucket by bucket: `map` writes every key with its document's position, `buckets` sorts a bucket's
/// keys and writes, for each later document of a key, the pair with the key's first document — verified for band
/// keys, so only real duplicates become edges. `clusters` then replays the edges in input order (`DedupClusters`).
///
/// Sizes: an exact key is 24 bytes; a band key 24 + 8 × sketch words (56 bytes with the default 14 × 8
/// permutations): ≈ 810 bytes of keys a document with the defaults. An edge is 25 bytes.
enum DedupKeys {
    /// One key of one document.
    struct Record: Equatable {
        /// 0: the exact hash; 1 + b: the key of band b.
        var kind: UInt32
        /// Whether the document has words (a document without any takes part in no near look-up, but its zero
        /// band keys are in the index, as in a single-process run).
        var hasWords: Bool
        var key: UInt64
        var position: UInt64
        /// The document's 2-bit sketch (band records only).
        var sketch: [UInt64]

        func write(to writer: inout LittleEndianWriter) {
            writer.integer(kind)
            writer.integer(UInt32(hasWords ? 1 : 0))
            writer.integer(key)
            writer.integer(position)
            for word in sketch { writer.integer(word) }
        }

        static func read(_ reader: inout LittleEndianReader, sketchWords: Int) -> Record? {
            guard let kind = reader.integer(UInt32.self), let flags = reader.integer(UInt32.self),
                let key = reader.integer(UInt64.self), let position = reader.integer(UInt64.self),
                let sketch = reader.integers(kind == 0 ? 0 : sketchWords, UInt64.self)
            else { return nil }
            return Record(kind: kind, hasWords: flags & 1 != 0, key: key, position: position, sketch: sketch)
        }

        /// The bucket a key goes to: a mix of its kind and key, so buckets are even whatever the keys.
        func bucket(of count: Int) -> Int {
            var mixed = (UInt64(kind) &* 0x9E37_79B9_7F4A_7C15) ^ key
            mixed ^= mixed >> 31
            mixed = mixed &* 0xBF58_476D_1CE4_E5B9
            mixed ^= mixed >> 29
            return Int(mixed % UInt64(count))
        }
    }

    /// A verified duplicate pair: `later` matches `first` (its key's first document).
    struct Edge: Equatable {
        var later: UInt64
        var first: UInt64
        var similarity: Double
        var isExact: Bool

        func write(to writer: inout LittleEndianWriter) {
            writer.integer(later)
            writer.integer(first)
            writer.integer(similarity.bitPattern)
            writer.integer(UInt8(isExact ? 1 : 0))
        }

        /// Bytes of one edge in a file.
        static let size = 25

        /// The order the clusters phase replays edges in: by the later document, then the first.
        static func replayOrder(_ a: Edge, _ b: Edge) -> Bool { (a.later, a.first) < (b.later, b.first) }

        static func read(_ reader: inout LittleEndianReader) -> Edge? {
            guard let later = reader.integer(UInt64.self), let first = reader.integer(UInt64.self),
                let bits = reader.integer(UInt64.self), let exact = reader.integer(UInt8.self)
            else { return nil }
            return Edge(later: later, first: first, similarity: Double(bitPattern: bits), isExact: exact == 1)
        }
    }

    /// The `buckets` phase for one bucket: the records of every shard, grouped by key in position order; each
    /// later document of a group is paired with the first, exact pairs always, band pairs when their estimated
    /// similarity reaches the threshold.
    static func edges(of records: [Record], parameters: DedupIndex.Parameters, threshold: Double) -> [Edge] {
        let sorted = records.sorted { ($0.kind, $0.key, $0.position) < ($1.kind, $1.key, $1.position) }
        var edges: [Edge] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end].kind == sorted[start].kind && sorted[end].key == sorted[start].key {
                end += 1
            }
            let first = sorted[start]
            for later in sorted[(start + 1)..<end] where later.position != first.position {
                if first.kind == 0 {
                    edges.append(Edge(later: later.position, first: first.position, similarity: 1, isExact: true))
                } else if later.hasWords {
                    let score = DedupIndex.estimatedSimilarity(
                        later.sketch, first.sketch, permutations: parameters.bands * parameters.rows)
                    if score >= threshold {
                        edges.append(
                            Edge(later: later.position, first: first.position, similarity: score, isExact: false))
                    }
                }
            }
            start = end
        }
        return edges
    }
}

/// The map phase's ordered stage in place of dedup's look-up: it records each document's keys, length (in Unicode
/// scalars, for `keep: longest`) and id, and keeps the document (the map phase writes no documents). `finish`
/// writes the shard's key files, one a bucket, and its `docs/S.bin` (position, length, id).
struct DedupKeyWriter: OrderedStage {
    static let name = "dedup"
    let plan: ClusterPlan
    let shard: Int
    let configuration: DedupStage.Configuration
    let signatures: DedupSignatures
    /// The plan's number of each of the shard's inputs, by path.
    let fileNumbers: [String: Int]
    private let state = State()

    final class State {
        var buckets: [[DedupKeys.Record]] = []
        var ids = LittleEndianWriter()
    }

    init(plan: ClusterPlan, shard: Int, signatures: DedupSignatures) {
        self.plan = plan
        self.shard = shard
        self.signatures = signatures
        configuration = signatures.configuration
        var numbers: [String: Int] = [:]
        for index in plan.shards[shard] { numbers[plan.inputs[index].path] = index }
        fileNumbers = numbers
        state.buckets = Array(repeating: [], count: plan.buckets)
    }

    mutating func process(_ document: inout Document) throws -> Verdict {
        let signature =
            document.scratch.dedupSignature.take()
            ?? signatures.signature(of: document.text)
        guard let file = fileNumbers[document.source.file] else {
            throw ClusterError("\(document.source.file) is not an input of shard \(shard)")
        }
        let position = ClusterPlan.position(file: file, ordinal: document.ordinal)
        var records: [DedupKeys.Record] = []
        if configuration.exact {
            records.append(
                DedupKeys.Record(kind: 0, hasWords: true, key: signature.exactHash, position: position, sketch: []))
        }
        if configuration.near {
            let parameters = signatures.parameters
            let hasWords = !signature.bandKeys.isEmpty
            let keys = hasWords ? signature.bandKeys : [UInt32](repeating: 0, count: parameters.bands)
            let sketch = hasWords ? signature.sketch : [UInt64](repeating: 0, count: parameters.sketchWords)
            for (band, key) in keys.enumerated() {
                records.append(
                    DedupKeys.Record(
                        kind: UInt32(band + 1), hasWords: hasWords, key: UInt64(key), position: position, sketch: sketch
                    ))
            }
        }
        for record in records { state.buckets[record.bucket(of: plan.buckets)].append(record) }
        state.ids.integer(position)
        // The length only `keep: longest` reads; counting it costs a pass over the text on this one thread.
        state.ids.integer(UInt32(clamping: configuration.keep == .longest ? document.text.unicodeScalars.count : 0))
        state.ids.string(document.id)
        return .keep
    }

    mutating func finish() throws {
        for (bucket, records) in state.buckets.enumerated() {
            var writer = LittleEndianWriter()
            for record in records { record.write(to: &writer) }
            try ClusterFiles.write(writer.bytes, to: plan.path("keys/\(bucket)/\(shard).bin"))
        }
        try ClusterFiles.write(state.ids.bytes, to: plan.path("docs/\(shard).bin"))
    }
}
