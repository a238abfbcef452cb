import Foundation

/// The state of deduplication: every document seen (its id, exact hash, LSH band keys, a compact sketch of its
/// MinHash signature, its cluster), the seen paragraphs, and the tables that find them. A library type with a small
/// API — add, look up, estimate, save, load, merge — so the phases of a large job can run as separate jobs.
///
/// Memory per document, with `bands` b and `permutations` k (README "dedup" has the figures):
/// 8 (exact hash) + 4b (band keys) + k/4 (2-bit sketch) + 4 (cluster) + 4 + id bytes (id arena)
/// + 4(b + 1)/load (the two tables of 32-bit entries, 68–85% full: ≈ 5.2 bytes an entry).
/// At b = 14, k = 112: 100 + id + ≈ 78 bytes. Each distinct paragraph (with `paragraphs: true`) costs 8/load.
public struct DedupIndex: Sendable {
    /// What must agree for two indexes to be comparable.
    public struct Parameters: Sendable, Equatable {
        public var bands: Int
        public var rows: Int
        public var seed: UInt64
        public var ngram: Int
        public var normalization: DedupNormalizer.Options

        public init(
            bands: Int, rows: Int, seed: UInt64, ngram: Int, normalization: DedupNormalizer.Options = .datatrove
        ) {
            (self.bands, self.rows, self.seed, self.ngram, self.normalization) = (
                bands, rows, seed, ngram, normalization
            )
        }

        var sketchWords: Int { (bands * rows + 31) / 32 }
    }

    public let parameters: Parameters
    private var idBytes = ChunkedArray<UInt8>()
    private var idEnds = ChunkedArray<UInt32>()
    private var exactHashes = ChunkedArray<UInt64>()
    private var bandKeys = ChunkedArray<UInt32>()
    private var sketches = ChunkedArray<UInt64>()
    private var parents = ChunkedArray<UInt32>()
    private var exactTable = EntryTable()
    private var bandTable = EntryTable()
    private var paragraphs = HashSet(capacity: 1024)

    public init(parameters: Parameters) { self.parameters = parameters }

    /// Documents in the index.
    public var count: Int { idEnds.count }
    /// Distinct paragraphs seen.
    public var paragraphCount: Int { paragraphs.count }

    /// Bytes of memory the index holds (arrays and tables at their capacity).
    public var memoryBytes: Int {
        idBytes.memoryBytes + idEnds.memoryBytes + exactHashes.memoryBytes + bandKeys.memoryBytes + sketches.memoryBytes
            + parents.memoryBytes + exactTable.memoryBytes + bandTable.memoryBytes + paragraphs.memoryBytes
    }

    // MARK: - Looking up

    /// The first document with this exact hash.
    public func document(withExactHash hash: UInt64) -> Int? {
        exactTable.find(hash) { exactHashes[$0] == hash }
    }

    /// The entry (document × bands + band) holding `key` in `band`.
    private func findBandEntry(_ band: Int, _ key: UInt32) -> Int? {
        let bands = parameters.bands
        return bandTable.find(Self.bandSlotHash(band, key)) { $0 % bands == band && bandKeys[$0] == key }
    }

    /// The documents that share a band key with `keys`, each once, in the order they were added.
    public func candidates(bandKeys keys: [UInt32]) -> [Int] {
        var found: [Int] = []
        for (band, key) in keys.enumerated() {
            if let entry = findBandEntry(band, key), !found.contains(entry / parameters.bands) {
                found.append(entry / parameters.bands)
            }
        }
        return found.sorted()
    }

    /// The Jaccard similarity estimated from two sketches: matching 2-bit values m of k, corrected for the 1/4 of
    /// chance matches (b-bit minwise hashing, Li and König 2010): (m/k − 1/4) / (3/4). Its spread at J = 0.8 with
    /// 112 values is ± 0.045 (± 0.038 for full signatures, ± 0.039 for 4-bit values, which cost 28 bytes more a
    /// document).
    public func estimatedSimilarity(_ sketch: [UInt64], to document: Int) -> Double {
        let words = parameters.sketchWords
        return Self.estimatedSimilarity(
            sketch, (0..<words).map { sketches[document * words + $0] },
            permutations: parameters.bands * parameters.rows)
    }

    /// The estimate of two sketches of `permutations` 2-bit values (what the cluster phases compare too).
    static func estimatedSimilarity(_ a: [UInt64], _ b: [UInt64], permutations: Int) -> Double {
        var matches = 0
        for word in 0..<a.count {
            var difference = a[word] ^ b[word]
            difference |= difference >> 1
            let valuesInWord = min(32, permutations - word * 32)
            matches += valuesInWord - (difference & 0x5555_5555_5555_5555).nonzeroBitCount
        }
        return min(1, max(0, (Double(matches) / Double(permutations) - 0.25) / 0.75))
    }

    /// The 2-bit sketch of a signature: 32 values to a word, each value's low bits after a mix (the minima's own
    /// high bits are mostly 0). Its own mix, not `Mixer`'s: saved index files hold the sketches.
    public static func sketch(of signature: [UInt32]) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (signature.count + 31) / 32)
        for (index, value) in signature.enumerated() {
            var mixed = UInt64(value) &* 0x9E37_79B9_7F4A_7C15
            mixed ^= mixed >> 32
            words[index / 32] |= (mixed & 0x3) << UInt64(2 * (index % 32))
        }
        return words
    }

    /// The document that stands for the cluster of `document` (its first member).
    public func root(of document: Int) -> Int {
        var current = document
        while Int(parents[current]) != current { current = Int(parents[current]) }
        return current
    }

    public func id(of document: Int) -> String {
        let start = document == 0 ? 0 : Int(idEnds[document - 1])
        return String(decoding: idBytes.elements(start..<Int(idEnds[document])), as: UTF8.self)
    }

    // MARK: - Adding

    /// Adds a document; with `duplicateOf`, into that document's cluster. Returns its number.
    @discardableResult
    public mutating func add(
        id: String, exactHash: UInt64, bandKeys keys: [UInt32], sketch: [UInt64], duplicateOf: Int? = nil
    ) -> Int {
        precondition(keys.count == parameters.bands && sketch.count == parameters.sketchWords)
        let document = count
        idBytes.append(contentsOf: id.utf8)
        idEnds.append(UInt32(idBytes.count))
        exactHashes.append(exactHash)
        bandKeys.append(contentsOf: keys)
        sketches.append(contentsOf: sketch)
        parents.append(UInt32(duplicateOf.map(root(of:)) ?? document))
        insertIntoTables(document)
        return document
    }

    /// Puts two clusters together; the one whose first document came first stands for both.
    public mutating func union(_ first: Int, _ second: Int) {
        let (a, b) = (root(of: first), root(of: second))
        guard a != b else { return }
        parents[max(a, b)] = UInt32(min(a, b))
    }

    /// Records a paragraph hash; false when it was seen before.
    public mutating func insertParagraph(_ hash: UInt64) -> Bool { paragraphs.insert(hash) }

    private mutating func insertIntoTables(_ document: Int) {
        let exactHash = exactHashes[document]
        if self.document(withExactHash: exactHash) == nil {
            exactTable.insert(document, hash: exactHash) { [exactHashes] in exactHashes[$0] }
        }
        let bands = parameters.bands
        for band in 0..<bands {
            let entry = document * bands + band
            guard findBandEntry(band, bandKeys[entry]) == nil else { continue }
            bandTable.insert(entry, hash: Self.bandSlotHash(band, bandKeys[entry])) { [bandKeys] in
                Self.bandSlotHash($0 % bands, bandKeys[$0])
            }
        }
    }

    static func bandSlotHash(_ band: Int, _ key: UInt32) -> UInt64 { Mixer.finalize(UInt64(band) << 32 | UInt64(key)) }

    // MARK: - Merging, saving, loading

    /// Appends the documents and paragraphs of `other` (same parameters) after this index's: its clusters stay
    /// its own; a key both have keeps pointing at this index's document.
    public mutating func merge(_ other: DedupIndex) throws(DedupIndexError) {
        guard other.parameters == parameters else {
            throw DedupIndexError("cannot merge indexes made with different parameters")
        }
        let offset = UInt32(count)
        let idOffset = UInt32(idBytes.count)
        for index in 0..<other.idBytes.count { idBytes.append(other.idBytes[index]) }
        for index in 0..<other.count {
            idEnds.append(other.idEnds[index] + idOffset)
            exactHashes.append(other.exactHashes[index])
            parents.append(other.parents[index] + offset)
        }
        for index in 0..<other.bandKeys.count { bandKeys.append(other.bandKeys[index]) }
        for index in 0..<other.sketches.count { sketches.append(other.sketches[index]) }
        for document in Int(offset)..<count { insertIntoTables(document) }
        other.paragraphs.forEach { _ = paragraphs.insert($0) }
    }

    private static let magic: [UInt8] = Array("WNDXIDX2".utf8)

    /// The index as bytes: a header (magic, parameters), then each array as its count and its elements,
    /// little-endian. Tables are rebuilt on loading.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        write { out.append(contentsOf: $0) }
        return out
    }

    /// Hands the serialised index to `sink` piece by piece (the arrays' own memory, not a copy of the index).
    private func write(_ sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        #if _endian(big)
        fatalError("dedup index files are little-endian; this host is not")
        #endif
        try Self.magic.withUnsafeBytes(sink)
        func put(_ value: UInt64) throws { try withUnsafeBytes(of: value.littleEndian, sink) }
        func putArray<T: FixedWidthInteger>(_ array: ChunkedArray<T>) throws {
            try put(UInt64(array.count))
            try array.forEachChunk(sink)
        }
        try put(UInt64(parameters.bands)); try put(UInt64(parameters.rows)); try put(parameters.seed)
        try put(UInt64(parameters.ngram)); try put(UInt64(parameters.normalization.rawValue))
        try putArray(idBytes); try putArray(idEnds); try putArray(exactHashes); try putArray(bandKeys)
        try putArray(sketches); try putArray(parents)
        var paragraphHashes: [UInt64] = []
        paragraphs.forEach { paragraphHashes.append($0) }
        try putArray(ChunkedArray(paragraphHashes.sorted()))
    }

    /// Reads what `serialized()` wrote; any inconsistency is an error naming what is wrong.
    public init(serialized bytes: [UInt8]) throws(DedupIndexError) {
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.magic else {
            throw DedupIndexError("not a winnow dedup index (bad magic)")
        }
        guard let fields = bytes.withUnsafeBytes(SerializedFields.init) else {
            throw DedupIndexError("truncated index")
        }
        let (bands, rows, ngram) = (Int(fields.header[0]), Int(fields.header[1]), Int(fields.header[3]))
        guard (1...1024).contains(bands), (1...1024).contains(rows), (1...100).contains(ngram), fields.header[4] < 16
        else {
            throw DedupIndexError("parameters out of range")
        }
        self.init(
            parameters: Parameters(
                bands: bands, rows: rows, seed: fields.header[2], ngram: ngram,
                normalization: DedupNormalizer.Options(rawValue: UInt8(fields.header[4]))))
        let documents = fields.idEnds.count
        guard fields.complete, fields.exactHashes.count == documents, fields.bandKeys.count == documents * bands,
            fields.sketches.count == documents * parameters.sketchWords, fields.parents.count == documents,
            zip(fields.idEnds, fields.idEnds.dropFirst()).allSatisfy({ $0 <= $1 }),
            (fields.idEnds.last.map(Int.init) ?? 0) == fields.idBytes.count,
            fields.parents.enumerated().allSatisfy({ Int($1) <= $0 })
        else {
            throw DedupIndexError("inconsistent index (truncated or corrupt)")
        }
        (idBytes, idEnds, exactHashes) = (
            ChunkedArray(fields.idBytes), ChunkedArray(fields.idEnds), ChunkedArray(fields.exactHashes)
        )
        (bandKeys, sketches, parents) = (
            ChunkedArray(fields.bandKeys), ChunkedArray(fields.sketches), ChunkedArray(fields.parents)
        )
        for document in 0..<documents { insertIntoTables(document) }
        for hash in fields.paragraphHashes { _ = paragraphs.insert(hash) }
    }

    public static func load(path: String) throws(DedupIndexError) -> DedupIndex {
        let bytes: [UInt8]
        do { bytes = try FileSource.contents(of: path) } catch { throw DedupIndexError("cannot read \(error)") }
        do { return try DedupIndex(serialized: bytes) } catch { throw DedupIndexError("\(path): \(error.message)") }
    }

    /// Whether the file at `path` can be the dedup index: absent (it is written at the end), or a file that starts
    /// as an index does; checked when the pipeline is loaded, so `validate` finds a wrong path.
    public static func checkPath(_ path: String) throws(DedupIndexError) {
        guard let handle = fopen(path, "rb") else {
            if errno == ENOENT { return }
            throw DedupIndexError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(handle) }
        var info = stat()
        if fstat(fileno(handle), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw DedupIndexError("\(path) is a directory, expected an index file")
        }
        var head = [UInt8](repeating: 0, count: magic.count)
        guard fread(&head, 1, head.count, handle) == head.count, head == magic else {
            throw DedupIndexError(
                "\(path) is not a winnow dedup index (it does not start with the index's magic bytes); name a new file or an index an earlier run saved"
            )
        }
    }

    /// Writes the index to `path` atomically: a temporary file beside it, flushed to disk, then renamed.
    public func save(path: String) throws(DedupIndexError) {
        let temporary = path + ".tmp-\(getpid())"
        guard let file = fopen(temporary, "wb") else {
            throw DedupIndexError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        struct WriteFailed: Error {}
        do {
            try write { bytes in
                guard bytes.isEmpty || fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count else {
                    throw WriteFailed()
                }
            }
            guard fflush(file) == 0, fsync(fileno(file)) == 0 else { throw WriteFailed() }
        } catch {
            let reason = String(cString: strerror(errno))
            fclose(file)
            unlink(temporary)
            throw DedupIndexError("cannot write \(path): \(reason)")
        }
        fclose(file)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw DedupIndexError("cannot rename \(temporary) to \(path): \(reason)")
        }
    }
}

/// Why an index could not be read, written or merged.
public struct DedupIndexError: Error, Sendable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The fields of a serialised index, as read (checked for consistency by `DedupIndex.init(serialized:)`).
private struct SerializedFields {
    var header: [UInt64]
    var idBytes: [UInt8], idEnds: [UInt32], exactHashes: [UInt64], bandKeys: [UInt32], sketches: [UInt64],
        parents: [UInt32]
    var paragraphHashes: [UInt64]
    /// Whether the arrays end exactly at the end of the bytes.
    var complete: Bool

    /// Nil when the bytes end inside a field.
    init?(_ bytes: UnsafeRawBufferPointer) {
        var reader = LittleEndianReader(bytes)
        func array<T: FixedWidthInteger>() -> [T]? {
            guard let count: UInt64 = reader.integer(), count <= UInt64(Int.max) else { return nil }
            return reader.integers(Int(count))
        }
        guard reader.take(8) != nil, let header: [UInt64] = reader.integers(5),
            let idBytes: [UInt8] = array(), let idEnds: [UInt32] = array(), let exactHashes: [UInt64] = array(),
            let bandKeys: [UInt32] = array(), let sketches: [UInt64] = array(), let parents: [UInt32] = array(),
            let paragraphHashes: [UInt64] = array()
        else { return nil }
        (self.header, self.idBytes, self.idEnds, self.exactHashes) = (header, idBytes, idEnds, exactHashes)
        (self.bandKeys, self.sketches, self.parents, self.paragraphHashes) = (
            bandKeys, sketches, parents, paragraphHashes
        )
        complete = reader.remaining == 0
    }
}

/// A table of 32-bit entries (document numbers, or document × bands + band) found by a 64-bit hash; what an entry
/// stands for is the caller's business. 64 shards by the hash's top bits, each an open-addressing table grown by a
/// quarter when 85% full — so the table stays 68–85% full (≈ 5.2 bytes an entry) and growing holds at most one
/// shard twice.
struct EntryTable: Sendable {
    private static let shardBits = 6
    private var shards = [DocumentTable](repeating: DocumentTable(size: 256), count: 1 << EntryTable.shardBits)

    var memoryBytes: Int { shards.reduce(0) { $0 + $1.memoryBytes } }

    func find(_ hash: UInt64, where matches: (Int) -> Bool) -> Int? {
        shards[Int(hash >> UInt64(64 - Self.shardBits))].find(hash << UInt64(Self.shardBits), where: matches)
    }

    /// Inserts an entry; `hashOf` gives the hash of any entry already in the table (to move a shard that grows).
    mutating func insert(_ entry: Int, hash: UInt64, hashOf: (Int) -> UInt64) {
        let shard = Int(hash >> UInt64(64 - Self.shardBits))
        if shards[shard].isFull {
            let old = shards[shard]
            shards[shard] = old.larger()
            old.forEach { shards[shard].place($0, hash: hashOf($0) << UInt64(Self.shardBits)) }
        }
        shards[shard].place(entry, hash: hash << UInt64(Self.shardBits))
    }
}

/// One open-addressing shard of an `EntryTable`; a slot is the hash's high bits scaled to the size.
struct DocumentTable: Sendable {
    private static let empty = UInt32.max
    private var slots: [UInt32]
    private var filled = 0

    init(size: Int) {
        slots = [UInt32](repeating: Self.empty, count: size)
    }

    var memoryBytes: Int { 4 * slots.count }
    var isFull: Bool { (filled + 1) * 20 > slots.count * 17 }
    func larger() -> DocumentTable { DocumentTable(size: slots.count + slots.count / 4) }

    func forEach(_ body: (Int) -> Void) {
        for entry in slots where entry != Self.empty { body(Int(entry)) }
    }

    @inline(__always)
    private func home(_ hash: UInt64, _ size: Int) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(size)).high)
    }

    func find(_ hash: UInt64, where matches: (Int) -> Bool) -> Int? {
        slots.withUnsafeBufferPointer { slots in
            var slot = home(hash, slots.count)
            while slots[slot] != Self.empty {
                if matches(Int(slots[slot])) { return Int(slots[slot]) }
                slot += 1
                if slot == slots.count { slot = 0 }
            }
            return nil
        }
    }

    mutating func place(_ entry: Int, hash: UInt64) {
        var slot = home(hash, slots.count)
        while slots[slot] != Self.empty {
            slot += 1
            if slot == slots.count { slot = 0 }
        }
        slots[slot] = UInt32(entry)
        filled += 1
    }
}
