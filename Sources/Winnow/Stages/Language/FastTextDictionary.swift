import Foundation

/// A fastText dictionary: its words and labels, and how a token becomes rows of the input matrix.
///
/// Mirrors fastText's `Dictionary` for prediction: a token in the vocabulary contributes its own row and the rows
/// of its character n-grams (precomputed here); an unknown token contributes its n-grams' rows only. N-grams of
/// `minn…maxn` characters are taken from `<token>`, hashed with fastText's FNV-1a (each byte sign-extended, as its
/// `char` is signed), reduced modulo the bucket count and, in a pruned (`.ftz`) model, mapped through the prune
/// index — n-grams it does not list are skipped.
struct FastTextDictionary: Sendable {
    /// fastText's `entry_type`.
    enum EntryType: UInt8, Sendable { case word = 0, label = 1 }

    struct Entry: Sendable {
        var bytes: [UInt8]
        var count: Int64
        var type: EntryType
    }

    static let endOfSentence = Array("</s>".utf8)
    static let labelPrefix = Array("__label__".utf8)

    let entries: [Entry]
    let wordCount: Int
    let labelCount: Int
    let buckets: UInt32
    let minn: Int
    let maxn: Int
    /// `nil` when the model is not pruned; else n-gram bucket → its row offset after the words.
    let pruneIndex: PruneIndex?
    /// The rows each vocabulary entry contributes: `entryRows[entryRowStarts[i]..<entryRowStarts[i + 1]]`.
    let entryRows: [Int32]
    let entryRowStarts: [Int32]
    /// Open-addressing table of entry numbers (−1 empty), probed from a word's FNV hash.
    private let slots: [Int32]

    init(reading reader: inout ModelFileReader, arguments: FastTextArguments, version: Int32) throws(FastTextModelError)
    {
        let size = Int(try reader.int32("dictionary size"))
        let words = Int(try reader.int32("dictionary words"))
        let labels = Int(try reader.int32("dictionary labels"))
        _ = try reader.int64("dictionary tokens")
        let pruneSize = try reader.int64("prune index size")
        guard size >= 0, words >= 0, labels >= 0, words + labels == size, pruneSize <= Int64(Int32.max) else {
            throw reader.error("inconsistent dictionary sizes (\(size) entries, \(words) words, \(labels) labels)")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(size)
        for _ in 0..<size {
            let bytes = try reader.word()
            let count = try reader.int64("word count")
            let code = try reader.byte("entry type")
            guard let type = EntryType(rawValue: code) else {
                throw reader.error("unknown dictionary entry type \(code)")
            }
            entries.append(Entry(bytes: bytes, count: count, type: type))
        }
        var pruneIndex: PruneIndex?
        if pruneSize >= 0 {
            var pairs: [(Int32, Int32)] = []
            pairs.reserveCapacity(Int(pruneSize))
            for _ in 0..<pruneSize { pairs.append((try reader.int32("prune index"), try reader.int32("prune index"))) }
            pruneIndex = PruneIndex(pairs)
        }
        self.entries = entries
        wordCount = words
        labelCount = labels
        buckets = UInt32(arguments.buckets)
        minn = arguments.minn
        // Version 11 supervised models predate character n-grams (fastText's loadModel does the same).
        maxn = version == 11 && arguments.kind == .supervised ? 0 : arguments.maxn
        self.pruneIndex = pruneIndex

        var slots = [Int32](repeating: -1, count: max(16, (size * 2).nextPowerOfTwo))
        let mask = slots.count - 1
        for (number, entry) in entries.enumerated() {
            var slot = Int(Self.hash(entry.bytes[...])) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(number)
        }
        self.slots = slots

        var rows: [Int32] = [], starts: [Int32] = [0]
        let (minn, maxn, buckets) = (self.minn, self.maxn, self.buckets)
        for (number, entry) in entries.enumerated() {
            rows.append(Int32(number))
            if entry.bytes != Self.endOfSentence {
                let marked = [UInt8(ascii: "<")] + entry.bytes + [UInt8(ascii: ">")]
                marked.withUnsafeBufferPointer { marked in
                    Self.appendNgramRows(
                        of: marked, minn: minn, maxn: maxn, buckets: buckets, pruneIndex: pruneIndex, words: words,
                        to: &rows)
                }
            }
            starts.append(Int32(rows.count))
        }
        entryRows = rows
        entryRowStarts = starts
    }

    /// The number of input-matrix rows the dictionary can refer to.
    var rowsNeeded: Int { wordCount + (pruneIndex.map { $0.largestRow + 1 } ?? Int(buckets)) }

    /// fastText's string hash: FNV-1a over the bytes, each sign-extended to 32 bits.
    @inline(__always)
    static func hash<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes { hash = step(hash, byte) }
        return hash
    }

    @inline(__always)
    static func step(_ hash: UInt32, _ byte: UInt8) -> UInt32 {
        (hash ^ UInt32(bitPattern: Int32(Int8(bitPattern: byte)))) &* 16_777_619
    }

    /// The entry number of `token`, or nil.
    @inline(__always)
    func entry(_ token: UnsafeBufferPointer<UInt8>, hash: UInt32) -> Int? {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int(hash) & mask
            while true {
                let number = slots[slot]
                if number < 0 { return nil }
                let bytes = entries[Int(number)].bytes
                if bytes.count == token.count,
                    bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, token.baseAddress!, token.count) == 0 })
                {
                    return Int(number)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Appends the rows `token` contributes (fastText's `addSubwords`): a vocabulary word's own row and its
    /// n-grams' (precomputed), an unknown token's n-grams'; returns false for a label, which contributes nothing.
    /// `marked` has room for the token and two more bytes.
    func appendRows(
        of token: UnsafeBufferPointer<UInt8>, hash: UInt32, to rows: inout [Int32],
        marked: UnsafeMutableBufferPointer<UInt8>
    ) -> Bool {
        let entry = entry(token, hash: hash)
        let isLabel = entry.map { entries[$0].type == .label } ?? token.starts(with: Self.labelPrefix)
        if isLabel { return false }
        if let entry {
            if maxn <= 0 {
                rows.append(Int32(entry))
            } else {
                rows.append(contentsOf: entryRows[Int(entryRowStarts[entry])..<Int(entryRowStarts[entry + 1])])
            }
        } else if !token.elementsEqual(Self.endOfSentence) {
            marked[0] = UInt8(ascii: "<")
            _ = UnsafeMutableBufferPointer(rebasing: marked[1...]).initialize(from: token)
            marked[token.count + 1] = UInt8(ascii: ">")
            Self.appendNgramRows(
                of: UnsafeBufferPointer(rebasing: marked[..<(token.count + 2)]), minn: minn, maxn: maxn,
                buckets: buckets, pruneIndex: pruneIndex, words: wordCount, to: &rows)
        }
        return true
    }

    /// Appends the input row of each character n-gram of `word` (which carries its `<` `>` markers), in fastText's
    /// order: by start character, then by length.
    @inline(__always)
    static func appendNgramRows(
        of word: UnsafeBufferPointer<UInt8>, minn: Int, maxn: Int, buckets: UInt32, pruneIndex: PruneIndex?,
        words: Int, to rows: inout [Int32]
    ) {
        guard maxn > 0, buckets > 0 else { return }
        let length = word.count
        for start in 0..<length where word[start] & 0xC0 != 0x80 {
            var hash: UInt32 = 2_166_136_261
            var end = start
            var characters = 1
            while end < length && characters <= maxn {
                hash = step(hash, word[end])
                end += 1
                while end < length && word[end] & 0xC0 == 0x80 {
                    hash = step(hash, word[end])
                    end += 1
                }
                if characters >= minn && !(characters == 1 && (start == 0 || end == length)) {
                    if let row = row(ofBucket: hash % buckets, pruneIndex: pruneIndex, words: words) {
                        rows.append(row)
                    }
                }
                characters += 1
            }
        }
    }

    /// The input row of an n-gram bucket (fastText's `pushHash`): after the words; through the prune index if any.
    @inline(__always)
    static func row(ofBucket bucket: UInt32, pruneIndex: PruneIndex?, words: Int) -> Int32? {
        guard let pruneIndex else { return Int32(words) + Int32(bitPattern: bucket) }
        return pruneIndex[Int32(bitPattern: bucket)].map { Int32(words) + $0 }
    }
}

/// A pruned model's map from n-gram bucket to compacted row, as an open-addressing table of packed
/// `key << 32 | value` pairs, one cache line read a look-up (fastText uses a `std::unordered_map`; this is the
/// look-up every n-gram of every unknown word pays).
struct PruneIndex: Sendable {
    private static let empty = UInt64.max
    private let slots: [UInt64]
    let largestRow: Int
    /// fastText skips every n-gram when the index is present but empty.
    private let isEmpty: Bool

    init(_ pairs: [(Int32, Int32)]) {
        let capacity = max(16, (pairs.count * 3 / 2).nextPowerOfTwo)
        var slots = [UInt64](repeating: Self.empty, count: capacity)
        for (key, value) in pairs where key >= 0 {
            var slot = Self.slot(key, capacity - 1)
            while slots[slot] != Self.empty && Int32(truncatingIfNeeded: slots[slot] >> 32) != key {
                slot = (slot + 1) & (capacity - 1)
            }
            slots[slot] = UInt64(UInt32(bitPattern: key)) << 32 | UInt64(UInt32(bitPattern: value))
        }
        self.slots = slots
        largestRow = Int(pairs.map(\.1).max() ?? -1)
        isEmpty = pairs.isEmpty
    }

    @inline(__always)
    private static func slot(_ key: Int32, _ mask: Int) -> Int {
        Int((UInt32(bitPattern: key) &* 0x9E37_79B1) >> 7) & mask
    }

    @inline(__always)
    subscript(key: Int32) -> Int32? {
        if isEmpty || key < 0 { return nil }
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Self.slot(key, mask)
            while true {
                let stored = slots[slot]
                if stored == Self.empty { return nil }
                if Int32(truncatingIfNeeded: stored >> 32) == key { return Int32(truncatingIfNeeded: stored) }
                slot = (slot + 1) & mask
            }
        }
    }
}

extension Int {
    /// The smallest power of two at least as large (1 for values below 1).
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
