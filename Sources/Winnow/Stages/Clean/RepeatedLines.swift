import CProseScan
/// `clean`'s ordered half (cc_net style): removes lines that recur across many documents of the same source.
///
/// The source is the host of the document's `metadata.url` when it has one, else its input file. Each line is
/// normalised (ASCII lower case, digits as 0) and hashed (64 bits, stable across runs) by `clean` on all jobs
/// (`lineHashes`), and the line's key is that hash mixed with the source's (`RepeatedLineKeys`), so one table holds
/// every source. A line is repeated when it occurs in at least `min_repeats` documents of its source (a document
/// counts once however often it has the line). Two ways to count (`min_repeats_mode`):
///
/// - `two_pass` (the default): a first pass over the inputs counts every key of the whole corpus (`RepeatedLineCounter`,
///   in bounded memory: sorted runs spilled to disk and merged), and the run removes every repeated line from every
///   document that has it (`RepeatedLinesRemoval`) — the same lines whatever the order, file layout or shard count.
/// - `one_pass` (this type; also what `two_pass` falls back to when an input cannot be read twice, such as standard
///   input): the window is "everything of this source read so far": the first `min_repeats − 1` documents with a line
///   keep it, every later one loses it. The same output for any `--jobs` and batch size, but not for any input order.
///
/// Memory of `one_pass`: one table of keys (8-byte key, 4-byte count, 4-byte last document; at most half full, so
/// 16–32 bytes a distinct line of a source) whatever the number of sources. When it passes `memory_mb` the lines seen
/// in one document only are forgotten (they are most of the table; the repeated ones keep their counts), and when
/// that is not enough the table starts again. So a line can be kept more often than the rule says, never removed
/// more often.
struct RepeatedLines: OrderedStage {
    static let name = "repeated_lines"

    typealias Mode = CleanStage.RepeatedLinesMode

    let minimumRepeats: Int
    let explain: Bool
    let dropEmpty: Bool
    let mode: Mode
    /// The most the counting table may hold, in bytes.
    let memoryBytes: Int
    private var counts = LineCounts()

    init(minimumRepeats: Int, explain: Bool, dropEmpty: Bool, mode: Mode = .onePass, memoryBytes: Int = 1 << 30) {
        self.minimumRepeats = minimumRepeats
        self.explain = explain
        self.dropEmpty = dropEmpty
        self.mode = mode
        self.memoryBytes = memoryBytes
    }

    mutating func process(_ document: inout Document) throws -> Verdict {
        if counts.memoryBytes > memoryBytes {
            counts.removeSingletons()
            if counts.memoryBytes > memoryBytes / 2 { counts = LineCounts() }
        }
        let keys = RepeatedLineKeys.keys(of: &document)
        var repeated: [Bool] = []
        for (index, key) in keys.enumerated() where counts.count(key, inDocument: document.ordinal) >= minimumRepeats {
            if repeated.isEmpty { repeated = [Bool](repeating: false, count: keys.count) }
            repeated[index] = true
        }
        return Self.remove(repeated, from: &document, explain: explain, dropEmpty: dropEmpty)
    }

    /// Removes the non-empty lines whose flag in `repeated` is set (none when it is empty) and adds them to the
    /// document's `clean` report.
    static func remove(_ repeated: [Bool], from document: inout Document, explain: Bool, dropEmpty: Bool) -> Verdict {
        guard !repeated.isEmpty else { return .keep }
        var removedLines: [String] = []
        var text = document.text
        document.text = text.withUTF8 { bytes in
            let lines = TextLines.ranges(bytes)
            var keep = [Bool](repeating: true, count: lines.count)
            var nonEmpty = 0
            for (index, range) in lines.enumerated() where !range.isEmpty {
                if repeated[nonEmpty] {
                    keep[index] = false
                    removedLines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
                }
                nonEmpty += 1
            }
            return String(decoding: TextLines.join(bytes, lines) { keep[$0] }, as: UTF8.self)
        }
        if case .object(var report)? = document.fields[CleanStage.name] {
            if case .number(let lines)? = report["removed_lines"], let count = Int(lines) {
                report["removed_lines"] = .int(count + removedLines.count)
            }
            if case .number(let chars)? = report["removed_chars"], let count = Int(chars) {
                report["removed_chars"] = .int(count + removedLines.reduce(0) { $0 + $1.unicodeScalars.count })
            }
            if explain, case .array(var list)? = report["removed"] {
                list += removedLines.map { .object(["line": .string($0), "rule": .string("repeated_line")]) }
                report["removed"] = .array(list)
            }
            document.fields[CleanStage.name] = .object(report)
        }
        if document.text.isEmpty && dropEmpty { return .drop(reason: "empty_text") }
        return .keep
    }

    /// The counting table, for `--resume`.
    func checkpoint() -> [UInt8]? {
        var writer = LittleEndianWriter()
        counts.write(to: &writer)
        return writer.bytes
    }

    mutating func restore(_ state: [UInt8]) throws {
        let restored: LineCounts? = state.withUnsafeBytes { bytes in
            var reader = LittleEndianReader(bytes)
            guard let table = LineCounts(reading: &reader), reader.remaining == 0 else { return nil }
            return table
        }
        guard let restored else { throw ResumeError("the saved state of repeated_lines is damaged") }
        counts = restored
    }

    /// The URL's host, else the input file.
    static func source(of document: Document) -> String {
        if case .string(let url)? = document.metadata["url"], let schemeEnd = url.range(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if !host.isEmpty { return "host:" + host.lowercased() }
        }
        return "file:" + document.source.file
    }

    /// The hash of each non-empty line of `text`, in order.
    static func lineHashes(_ text: String) -> [UInt64] {
        var text = text
        return text.withUTF8 { bytes in
            var hashes: [UInt64] = []
            TextLines.forEach(bytes) {
                if !$0.isEmpty { hashes.append(hash(UnsafeBufferPointer(rebasing: bytes[$0]))) }
            }
            return hashes
        }
    }

    /// A 64-bit hash of the normalised line (ASCII letters lower-cased, ASCII digits as 0), stable across runs and
    /// machines. Eight bytes at a time: the normalisation is done on the word with SWAR masks, and the word mixed in
    /// with `Mixer.finalize`; ≈ 4× faster than byte-wise FNV-1a in `perf`.
    static func hash(_ line: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = line.baseAddress else { return Mixer.finalize(Mixer.golden) }
        let raw = UnsafeRawPointer(base)
        var hash: UInt64 = Mixer.golden ^ UInt64(line.count)
        var offset = 0
        while offset + 8 <= line.count {
            hash = Mixer.finalize(hash ^ normalized(SWAR.load(raw, offset)))
            offset += 8
        }
        if offset < line.count {
            var tail: UInt64 = 0
            for index in offset..<line.count { tail |= UInt64(line[index]) << (8 * UInt64(index - offset)) }
            hash = Mixer.finalize(hash ^ normalized(tail))
        }
        return Mixer.finalize(hash)
    }

    /// Eight bytes with ASCII capitals lower-cased and ASCII digits replaced by `0`.
    @inline(__always)
    private static func normalized(_ word: UInt64) -> UInt64 {
        let digits = SWAR.inRange(word, UInt8(ascii: "0"), UInt8(ascii: "9"))
        let lowered = winnow_ascii_lower(word)
        let digitBytes = (digits >> 7) &* 0xFF
        return (lowered & ~digitBytes) | (digitBytes & (SWAR.ones &* 0x30))
    }

}

/// The keys `repeated_lines` counts: a line's hash mixed with its source's, so one table (and one file of sorted
/// keys) serves every source. 64 bits: among 10¹⁰ distinct lines of a corpus about 3 pairs share a key (n²/2⁶⁵),
/// each adding one line's count to the other's.
enum RepeatedLineKeys {
    /// The source's key: 64-bit FNV-1a of its name, mixed.
    static func sourceKey(_ source: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in source.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Mixer.finalize(hash)
    }

    /// The key of a line of a source; never 0 (the tables' empty slot).
    static func key(source: UInt64, line: UInt64) -> UInt64 {
        max(1, Mixer.finalize(source ^ (line &* Mixer.golden)))
    }

    /// A document's key for counting: its line keys folded in order, so copies of one text (up to the case and
    /// digits lines are hashed without) share it. Never 0.
    static func documentKey(_ lineKeys: [UInt64]) -> UInt64 {
        max(1, lineKeys.reduce(0x243F_6A88_85A3_08D3) { Mixer.finalize($0 ^ $1) })
    }

    /// The keys of the document's non-empty lines, in order, from the line hashes `clean` left (taken off the
    /// document) or from its text.
    static func keys(of document: inout Document) -> [UInt64] {
        let hashes = document.scratch.lineHashes.take() ?? RepeatedLines.lineHashes(document.text)
        let source = sourceKey(RepeatedLines.source(of: document))
        return hashes.map { key(source: source, line: $0) }
    }
}

/// Counts of line keys: open addressing with linear probing over the (already well mixed) 64-bit
/// hashes, faster than `Dictionary`, which hashes every key again with SipHash.
struct LineCounts {
    private var keys: [UInt64]
    private var counts: [UInt32]
    private var lastDocument: [Int32]
    private(set) var count = 0

    init(capacity: Int = 1024) {
        keys = [UInt64](repeating: 0, count: capacity)
        counts = [UInt32](repeating: 0, count: capacity)
        lastDocument = [Int32](repeating: -1, count: capacity)
    }

    /// Bytes the table holds.
    var memoryBytes: Int { keys.count * 16 }

    /// Forgets the keys counted in one document only.
    mutating func removeSingletons() {
        var kept = LineCounts()
        for index in keys.indices where keys[index] != 0 && counts[index] > 1 {
            kept.insert(keys[index], count: counts[index], lastDocument: lastDocument[index])
        }
        self = kept
    }

    /// Counts `hash` once for `document` (repeats inside one document count once) and returns its count so far.
    mutating func count(_ hash: UInt64, inDocument document: Int) -> Int {
        if count * 2 >= keys.count { grow() }
        let key = hash == 0 ? 1 : hash
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
        if keys[slot] == 0 {
            keys[slot] = key
            count += 1
        }
        let documentTag = Int32(truncatingIfNeeded: document)
        if lastDocument[slot] != documentTag {
            lastDocument[slot] = documentTag
            counts[slot] += 1
        }
        return Int(counts[slot])
    }

    func write(to writer: inout LittleEndianWriter) {
        writer.integers(keys)
        writer.integers(counts)
        writer.integers(lastDocument)
    }

    /// What `write` wrote; nil when it is inconsistent.
    init?(reading reader: inout LittleEndianReader) {
        guard let keys = reader.counted(UInt64.self), let counts = reader.counted(UInt32.self),
            let lastDocument = reader.counted(Int32.self),
            keys.count == counts.count, keys.count == lastDocument.count, keys.count.nonzeroBitCount == 1
        else { return nil }
        (self.keys, self.counts, self.lastDocument) = (keys, counts, lastDocument)
        count = keys.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
    }

    private mutating func grow() {
        let old = (keys, counts, lastDocument)
        self = LineCounts(capacity: keys.count * 2)
        for index in old.0.indices where old.0[index] != 0 {
            insert(old.0[index], count: old.1[index], lastDocument: old.2[index])
        }
    }

    /// Puts a key that is not in the table into it (the table has room).
    private mutating func insert(_ key: UInt64, count keyCount: UInt32, lastDocument document: Int32) {
        if count * 2 >= keys.count { grow() }
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while keys[slot] != 0 { slot = (slot + 1) & mask }
        keys[slot] = key
        counts[slot] = keyCount
        lastDocument[slot] = document
        count += 1
    }
}
