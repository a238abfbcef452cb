import Foundation

/// Stage `dedup`: exact and near-duplicate documents (MinHash + LSH over word shingles), and optionally paragraphs
/// seen before (cc_net style).
///
/// Two halves. `DedupSignatures` runs on all jobs: it normalises the text (`DedupNormalizer`), hashes it (exact),
/// shingles it, computes the MinHash signature, its band keys and 2-bit sketch, and the paragraphs' hashes.
/// `DedupLookup` sees the documents in input order: it removes seen paragraphs, looks the document up in the
/// `DedupIndex`, verifies each candidate, clusters by union-find, and adds the document. The first document of a
/// cluster in input order is kept. Output: `dedup: {cluster, duplicate_of, similarity}` (and `paragraphs_removed`).
public enum DedupStage: StageDefinition {
    public static let name = "dedup"
    public static let summary =
        "Removes exact and near-duplicate documents (MinHash + LSH on word shingles, verified), and optionally paragraphs seen before; index can persist across runs."
    public static let outputFields = [
        FieldDescription(
            name: "dedup", type: "object",
            help:
                "{cluster: id of the cluster's first document, duplicate_of: that id or null, similarity: Jaccard (estimated or exact) with the closest match, 1 when kept; paragraphs_removed with paragraphs: true}"
        )
    ]

    public enum Mode: String, ChoiceOption { case drop, annotate }
    public enum Verification: String, ChoiceOption { case estimate, exact }
    /// Which document of a cluster stays: the earliest (one pass), or the longest (a second pass: the whole cluster
    /// must be known before the first of it is written).
    public enum Keep: String, ChoiceOption { case first, longest }
    public enum Diacritics: String, ChoiceOption { case strip, keep }

    /// The options of `dedup`.
    public struct Configuration: StageConfiguration {
        @StageOption(
            "mode",
            help: "drop: duplicates go to the rejects (exact_duplicate, near_duplicate); annotate: every document kept")
        public var mode: Mode = .drop
        @StageOption("exact", help: "find documents whose normalised text is identical") public var exact = true
        @StageOption("near", help: "find near-duplicates with MinHash + LSH") public var near = true
        @StageOption(
            "threshold", in: 0.01...1,
            help: "Jaccard similarity of shingle sets at or above which two documents are near-duplicates") public
            var threshold = 0.8
        @StageOption(
            "ngram", in: 1...50, help: "words in a shingle (characters, for text in scripts written without spaces)")
        public var ngram = 5
        @StageOption(
            "bands", in: 0...512,
            help: "LSH bands; 0: choose bands and rows for the threshold from `permutations` (datasketch's rule)")
        public var bands = 14
        @StageOption("rows", in: 1...64, help: "signature values per band (permutations = bands × rows)") public
            var rows = 8
        @StageOption("permutations", in: 1...1024, help: "signature length when bands is 0") public var permutations =
            112
        @StageOption("seed", in: 0...Int.max, help: "seed of the MinHash permutations (SplitMix64)") public var seed = 1
        @StageOption(
            "verify",
            help:
                "estimate: Jaccard from the signatures; exact: Jaccard of the shingle sets (keeps this run's shingles in memory)"
        )
        public var verify: Verification = .estimate
        @StageOption(
            "keep",
            help:
                "first: each cluster's earliest document stays; longest: its longest (in characters; ties: the earliest) — found in a pass over the inputs before the run (needs files, not stdin), as the phases of a plan do"
        )
        public var keep: Keep = .first
        @StageOption("lowercase", help: "compare in lower case (datatrove: yes)") public var lowercase = true
        @StageOption("numbers", help: "every number becomes 0 (datatrove: yes)") public var numbers = true
        @StageOption("punctuation", help: "punctuation becomes a space (datatrove's set; datatrove: yes)") public
            var punctuation = true
        @StageOption("diacritics", help: "strip (é → e, as datatrove) or keep diacritics when normalising") public
            var diacritics: Diacritics = .strip
        @StageOption(
            "paragraphs",
            help: "remove lines already seen earlier in the corpus (normalised hash; first occurrence kept)") public
            var paragraphs = false
        @StageOption("index", help: "index file: loaded when it exists, saved (atomically) at the end of the run")
        public var indexPath = ""

        public init() {}

        public func validate(_ options: StageOptions) throws(PipelineError) {
            guard !indexPath.isEmpty else { return }
            do throws(DedupIndexError) { try DedupIndex.checkPath(indexPath) } catch {
                throw options.error(at: "index", "option 'index' of stage 'dedup': \(error.message)")
            }
        }

        /// What the index and the signatures are made with: bands and rows (chosen for the threshold when `bands` is
        /// 0, a search of ≈ 10⁶ integrand steps), seed, shingle size and normalisation. Worked out on each call: the
        /// stages keep theirs (`DedupSignatures.parameters`), never per document.
        public var parameters: DedupIndex.Parameters {
            var (bands, rows) = (self.bands, self.rows)
            if bands == 0 {
                (bands, rows) = MinHasher.optimalBandsAndRows(threshold: threshold, permutations: permutations)
            }
            var normalization: DedupNormalizer.Options = []
            if lowercase { normalization.insert(.lowercase) }
            if numbers { normalization.insert(.numbers) }
            if punctuation { normalization.insert(.punctuation) }
            if diacritics == .strip { normalization.insert(.stripDiacritics) }
            return DedupIndex.Parameters(
                bands: bands, rows: rows, seed: UInt64(seed), ngram: ngram, normalization: normalization)
        }
    }

    public static func steps(_ configuration: Configuration, at options: StageOptions) -> [PipelineStep] {
        let signatures = DedupSignatures(configuration: configuration)
        return [.document(signatures), .ordered(name: DedupLookup.name) { DedupLookup(signatures: signatures) }]
    }
}

/// What `DedupSignatures` computes for one document.
struct DocumentSignature: Sendable, Hashable {
    var exactHash: UInt64
    /// Empty when the normalised text has no words.
    var bandKeys: [UInt32]
    var sketch: [UInt64]
    var shingles: [UInt64]
    /// The normalised hash of each line (0: nothing left after normalising; never removed).
    var paragraphHashes: [UInt64]

    /// As one array (how the map phase's batch files hold it, `BatchSpill`).
    var packed: [UInt64] {
        [exactHash, UInt64(bandKeys.count), UInt64(sketch.count), UInt64(shingles.count)]
            + bandKeys.map(UInt64.init) + sketch + shingles + paragraphHashes
    }
}

extension DocumentSignature {
    /// From `packed`, when its counts fit its length (a damaged batch file does not make one).
    init?(packed: [UInt64]) {
        guard packed.count >= 4 else { return nil }
        let (bands, sketchWords, shingleCount) = (
            Int(clamping: packed[1]), Int(clamping: packed[2]), Int(clamping: packed[3])
        )
        guard [bands, sketchWords, shingleCount].allSatisfy({ $0 <= packed.count }),
            4 + bands + sketchWords + shingleCount <= packed.count
        else { return nil }
        var position = 4
        bandKeys = packed[position..<position + bands].map { UInt32(truncatingIfNeeded: $0) }
        position += bands
        sketch = Array(packed[position..<position + sketchWords])
        position += sketchWords
        shingles = Array(packed[position..<position + shingleCount])
        position += shingleCount
        paragraphHashes = Array(packed[position...])
        exactHash = packed[0]
    }
}

/// `dedup`'s per-document half: normalising, hashing, shingling and signatures, on all jobs.
struct DedupSignatures: DocumentStage {
    static let name = "dedup_signatures"
    let configuration: DedupStage.Configuration
    /// `configuration.parameters`, worked out once.
    let parameters: DedupIndex.Parameters
    let hasher: MinHasher
    let normalizer: DedupNormalizer

    init(configuration: DedupStage.Configuration) {
        self.configuration = configuration
        parameters = configuration.parameters
        hasher = MinHasher(bands: parameters.bands, rows: parameters.rows, seed: parameters.seed)
        let options = parameters.normalization
        normalizer = options == .datatrove ? .datatrove : DedupNormalizer(options: options)
    }

    func process(_ document: inout Document) -> Verdict {
        document.scratch.dedupSignature = signature(of: document.text)
        return .keep
    }

    func signature(of text: String) -> DocumentSignature {
        let words = normalizer.words(of: text)
        let exactHash = words.bytes.withUnsafeBytes { XXHash64.hash($0) }
        var bandKeys: [UInt32] = [], sketch: [UInt64] = [], shingles: [UInt64] = []
        if configuration.near && words.count > 0 {
            shingles = words.shingleHashes(parameters.ngram)
            let signature = hasher.signature(shingles)
            bandKeys = hasher.bandKeys(signature)
            sketch = DedupIndex.sketch(of: signature)
            if configuration.verify == .estimate { shingles = [] } else { shingles = Array(Set(shingles)).sorted() }
        }
        var paragraphHashes: [UInt64] = []
        if configuration.paragraphs {
            var text = text
            text.withUTF8 { bytes in
                TextLines.forEach(bytes) { line in
                    let lineWords = normalizer.words(of: UnsafeBufferPointer(rebasing: bytes[line]))
                    paragraphHashes.append(
                        lineWords.count == 0 ? 0 : lineWords.bytes.withUnsafeBytes { XXHash64.hash($0) } | 1)
                }
            }
        }
        return DocumentSignature(
            exactHash: exactHash, bandKeys: bandKeys, sketch: sketch, shingles: shingles,
            paragraphHashes: paragraphHashes)
    }
}

/// `dedup`'s ordered half: paragraphs, look-up, verification, clustering and insertion, in input order.
struct DedupLookup: OrderedStage {
    static let name = "dedup"
    let configuration: DedupStage.Configuration
    let parameters: DedupIndex.Parameters
    /// The index and shingle sets live in an object: the runner keeps ordered stages as existentials, and copying
    /// one (as the runner may between batches) must not make the index's arrays shared, which would copy all of
    /// them on the next insertion (that made a 1-million-document run quadratic).
    private let state: State

    final class State {
        var index: DedupIndex
        /// Shingle sets of this run's documents, for `verify: exact` (documents from a loaded index fall back to
        /// the estimate).
        var shingleSets: [Int: [UInt64]] = [:]
        init(index: DedupIndex) { self.index = index }
    }

    private var index: DedupIndex {
        get { state.index }
        nonmutating _modify { yield &state.index }
    }

    /// Computes a signature when the per-document half did not (a document that reached this stage another way).
    private let signatures: DedupSignatures

    /// Shares the per-document half's `DedupSignatures` (and so its normaliser's table).
    init(signatures: DedupSignatures) {
        (configuration, parameters) = (signatures.configuration, signatures.parameters)
        state = State(index: DedupIndex(parameters: parameters))
        self.signatures = signatures
    }

    mutating func start() throws {
        if configuration.keep == .longest {
            // `winnow run` replaces this stage by the decisions of a first pass (ClusterPhases.decidingInAdvance).
            throw ClusterError(
                "dedup's keep: longest needs the whole cluster before its first document is written: `winnow run` and the phases of a plan do it in a pass before the run; this command runs in one pass"
            )
        }
        guard !configuration.indexPath.isEmpty, FileManager.default.fileExists(atPath: configuration.indexPath) else {
            return
        }
        let loaded = try DedupIndex.load(path: configuration.indexPath)
        guard loaded.parameters == parameters else {
            throw DedupIndexError(
                "\(configuration.indexPath) was made with other parameters (bands, rows, seed, ngram, normalisation) than this pipeline's"
            )
        }
        index = loaded
    }

    mutating func finish() throws {
        guard !configuration.indexPath.isEmpty else { return }
        try index.save(path: configuration.indexPath)
    }

    /// For `--resume`: the index, then (for `verify: exact`) this run's shingle sets.
    func checkpoint() -> [UInt8]? {
        var writer = LittleEndianWriter()
        writer.integers(index.serialized())
        writer.integer(UInt64(state.shingleSets.count))
        for (number, shingles) in state.shingleSets.sorted(by: { $0.key < $1.key }) {
            writer.integer(UInt64(number))
            writer.integers(shingles)
        }
        return writer.bytes
    }

    mutating func restore(_ saved: [UInt8]) throws {
        let restored: (DedupIndex, [Int: [UInt64]])? = try saved.withUnsafeBytes { bytes throws(DedupIndexError) in
            var reader = LittleEndianReader(bytes)
            guard let indexBytes = reader.counted(UInt8.self), let count = reader.integer(UInt64.self) else {
                return nil
            }
            let index = try DedupIndex(serialized: indexBytes)
            var shingleSets: [Int: [UInt64]] = [:]
            for _ in 0..<min(count, UInt64(bytes.count)) {
                guard let number = reader.integer(UInt64.self), let shingles = reader.counted(UInt64.self) else {
                    return nil
                }
                shingleSets[Int(number)] = shingles
            }
            return reader.remaining == 0 ? (index, shingleSets) : nil
        }
        guard let (restoredIndex, shingleSets) = restored, restoredIndex.parameters == parameters else {
            throw DedupIndexError("the saved state of dedup is damaged or was made with other parameters")
        }
        index = restoredIndex
        state.shingleSets = shingleSets
    }

    mutating func process(_ document: inout Document) throws -> Verdict {
        let signature =
            document.scratch.dedupSignature.take()
            ?? signatures.signature(of: document.text)
        let paragraphsRemoved =
            configuration.paragraphs ? removeSeenParagraphs(&document, signature.paragraphHashes) : nil

        var duplicateOf: Int?, similarity = 1.0, reason = ""
        if configuration.exact, let match = index.document(withExactHash: signature.exactHash) {
            duplicateOf = index.root(of: match)
            reason = "exact_duplicate"
        } else if configuration.near && !signature.bandKeys.isEmpty {
            var best = -1.0
            for candidate in index.candidates(bandKeys: signature.bandKeys) {
                let score = verify(signature, candidate)
                guard score >= configuration.threshold else { continue }
                if let current = duplicateOf { index.union(current, candidate) }
                duplicateOf = index.root(of: candidate)
                best = max(best, score)
            }
            if duplicateOf != nil {
                similarity = best
                reason = "near_duplicate"
            }
        }
        // Exact duplicates add nothing the index lacks; every other document goes in, so chains of near-duplicates join.
        if reason != "exact_duplicate" {
            let bandKeys =
                signature.bandKeys.isEmpty ? [UInt32](repeating: 0, count: parameters.bands) : signature.bandKeys
            let sketch =
                signature.sketch.isEmpty ? [UInt64](repeating: 0, count: parameters.sketchWords) : signature.sketch
            let number = index.add(
                id: document.id, exactHash: signature.exactHash, bandKeys: bandKeys, sketch: sketch,
                duplicateOf: duplicateOf)
            if configuration.verify == .exact { state.shingleSets[number] = signature.shingles }
        }
        let cluster = duplicateOf.map { index.id(of: $0) } ?? document.id
        var result: JSONObject = [:]
        result["cluster"] = .string(cluster)
        result["duplicate_of"] = duplicateOf.map { .string(index.id(of: $0)) } ?? .null
        result["similarity"] = .fourDecimals(similarity)
        if let paragraphsRemoved { result["paragraphs_removed"] = .int(paragraphsRemoved) }
        document.fields["dedup"] = .object(result)
        return duplicateOf != nil && configuration.mode == .drop ? .drop(reason: reason) : .keep
    }

    private func verify(_ signature: DocumentSignature, _ candidate: Int) -> Double {
        if configuration.verify == .exact, let other = state.shingleSets[candidate] {
            return Self.jaccard(signature.shingles, other)
        }
        return index.estimatedSimilarity(signature.sketch, to: candidate)
    }

    /// The Jaccard similarity of two sorted sets.
    static func jaccard(_ a: [UInt64], _ b: [UInt64]) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        var (i, j, shared) = (0, 0, 0)
        while i < a.count && j < b.count {
            if a[i] == b[j] { shared += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return Double(shared) / Double(a.count + b.count - shared)
    }

    /// Removes the lines whose normalised hash was seen before; returns how many went.
    private mutating func removeSeenParagraphs(_ document: inout Document, _ hashes: [UInt64]) -> Int {
        var keep = [Bool](repeating: true, count: hashes.count), removed = 0
        for (line, hash) in hashes.enumerated() where hash != 0 && !index.insertParagraph(hash) {
            keep[line] = false
            removed += 1
        }
        guard removed > 0 else { return 0 }
        var text = document.text
        document.text = text.withUTF8 { bytes in
            let lines = TextLines.ranges(bytes)
            return String(decoding: TextLines.join(bytes, lines) { keep[$0] }, as: UTF8.self)
        }
        return removed
    }
}
