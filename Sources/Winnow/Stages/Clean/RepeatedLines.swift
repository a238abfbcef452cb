/// `clean`'s ordered half (cc_net style): removes lines that recur across many documents of the same source.
///
/// The source is the host of the document's `metadata.url` when it has one, else its input file. Each line is
/// normalised (ASCII lower case, digits as 0) and hashed (64 bits, stable across runs) by `clean`
/// on all jobs (`lineHashes`); this half only counts and looks up, in input order. Documents
/// are seen in input order; a line is removed from a document when, counting that document, it has occurred in at
/// least `min_repeats` documents of its source. So the window is "everything of this source read so far": the
/// first `min_repeats − 1` documents with a line keep it, every later one loses it. This needs no second pass over
/// the input and gives the same output for any `--jobs` and batch size.
///
/// Memory: per distinct line per source an 8-byte hash, a 4-byte count and the 4-byte ordinal of the last document
/// that counted it, in an open-addressing table at most half full: ≈ 32 bytes. A source's table is emptied when it passes `maximumLinesPerSource` (2 million lines, ≈ 64 MB), which
/// starts its window again.
struct RepeatedLines: OrderedStage {
    static let name = "repeated_lines"
    static let maximumLinesPerSource = 2_000_000

    let minimumRepeats: Int
    let explain: Bool
    let dropEmpty: Bool
    /// Tables of the sources seen before the current one.
    private var tables: [String: LineCounts] = [:]
    private var currentSource = ""
    private var current = LineCounts()

    init(minimumRepeats: Int, explain: Bool, dropEmpty: Bool) {
        self.minimumRepeats = minimumRepeats
        self.explain = explain
        self.dropEmpty = dropEmpty
    }

    mutating func process(_ document: inout Document) throws -> Verdict {
        let source = Self.source(of: document)
        if source != currentSource {
            tables[currentSource] = current
            current = tables.removeValue(forKey: source) ?? LineCounts()
            currentSource = source
        }
        if current.count > Self.maximumLinesPerSource { current = LineCounts() }
        let hashes = document.hashes.removeValue(forKey: Self.name) ?? Self.lineHashes(document.text)
        // Count first; look for the lines' places in the text only when one of them is to go.
        var repeated: [Bool] = []
        for (index, hash) in hashes.enumerated() where current.count(hash, inDocument: document.ordinal) >= minimumRepeats {
            if repeated.isEmpty { repeated = [Bool](repeating: false, count: hashes.count) }
            repeated[index] = true
        }
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
            if case .number(let lines)? = report["removed_lines"], let count = Int(lines) { report["removed_lines"] = .int(count + removedLines.count) }
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

    /// Every source's table, for `--resume`: the current source's name, then each source's name and table.
    func checkpoint() -> [UInt8]? {
        var writer = LittleEndianWriter()
        writer.string(currentSource)
        writer.integer(UInt64(tables.count + 1))
        for (source, table) in [(currentSource, current)] + tables.sorted(by: { $0.key < $1.key }) {
            writer.string(source)
            table.write(to: &writer)
        }
        return writer.bytes
    }

    mutating func restore(_ state: [UInt8]) throws {
        let restored: (String, [String: LineCounts])? = state.withUnsafeBytes { bytes in
            var reader = LittleEndianReader(bytes)
            guard let currentSource = reader.string(), let count = reader.integer(UInt64.self), count <= UInt64(bytes.count) else { return nil }
            var tables: [String: LineCounts] = [:]
            for _ in 0..<count {
                guard let source = reader.string(), let table = LineCounts(reading: &reader) else { return nil }
                tables[source] = table
            }
            return reader.remaining == 0 ? (currentSource, tables) : nil
        }
        guard let (source, saved) = restored, let table = saved[source] else {
            throw ResumeError("the saved state of repeated_lines is damaged")
        }
        (currentSource, current, tables) = (source, table, saved.filter { $0.key != source })
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
            TextLines.forEach(bytes) { if !$0.isEmpty { hashes.append(hash(UnsafeBufferPointer(rebasing: bytes[$0]))) } }
            return hashes
        }
    }

    /// A 64-bit hash of the normalised line (ASCII letters lower-cased, ASCII digits as 0), stable across runs and
    /// machines. Eight bytes at a time: the normalisation is done on the word with SWAR masks, and the word mixed in
    /// with a multiply and xor-shift (the finaliser of MurmurHash3); ≈ 4× faster than byte-wise FNV-1a in `perf`.
    static func hash(_ line: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = line.baseAddress else { return mix(0x9E37_79B9_7F4A_7C15) }
        let raw = UnsafeRawPointer(base)
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(line.count)
        var offset = 0
        while offset + 8 <= line.count {
            hash = mix(hash ^ normalized(SWAR.load(raw, offset)))
            offset += 8
        }
        if offset < line.count {
            var tail: UInt64 = 0
            for index in offset..<line.count { tail |= UInt64(line[index]) << (8 * UInt64(index - offset)) }
            hash = mix(hash ^ normalized(tail))
        }
        return mix(hash)
    }

    /// Eight bytes with ASCII capitals lower-cased and ASCII digits replaced by `0`.
    @inline(__always)
    private static func normalized(_ word: UInt64) -> UInt64 {
        let capitals = SWAR.inRange(word, UInt8(ascii: "A"), UInt8(ascii: "Z"))
        let digits = SWAR.inRange(word, UInt8(ascii: "0"), UInt8(ascii: "9"))
        let lowered = word | (capitals >> 2)                       // 0x80 >> 2 = 0x20 in each capital's byte
        let digitBytes = (digits >> 7) &* 0xFF
        return (lowered & ~digitBytes) | (digitBytes & (SWAR.ones &* 0x30))
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x = x &* 0xC4CE_B9FE_1A85_EC53
        return x ^ (x >> 33)
    }
}

/// Counts of line hashes for one source: open addressing with linear probing over the (already well mixed) 64-bit
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
        guard let keys = reader.counted(UInt64.self), let counts = reader.counted(UInt32.self), let lastDocument = reader.counted(Int32.self),
              keys.count == counts.count, keys.count == lastDocument.count, keys.count.nonzeroBitCount == 1 else { return nil }
        (self.keys, self.counts, self.lastDocument) = (keys, counts, lastDocument)
        count = keys.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
    }

    private mutating func grow() {
        let old = (keys, counts, lastDocument)
        self = LineCounts(capacity: keys.count * 2)
        let mask = keys.count - 1
        for index in old.0.indices where old.0[index] != 0 {
            var slot = Int(truncatingIfNeeded: old.0[index]) & mask
            while keys[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = old.0[index]
            counts[slot] = old.1[index]
            lastDocument[slot] = old.2[index]
            count += 1
        }
    }
}
