/// The words of one document: each distinct spelling once (its vocabulary) and the text as a sequence of spelling
/// numbers.
///
/// Counting per spelling rather than per occurrence is what keeps `stats` fast: lower-casing and the distinct-word,
/// stop-word and Gopher stop-word checks run once per spelling; n-gram keys are built from small numbers; and a word
/// that occurs once cannot start a repeated n-gram. Spellings are told apart by their 64-bit `ByteHash`.
struct DocumentWords: ~Copyable {
    /// The spelling number of each word, in text order (empty unless `keepSequence`).
    private(set) var sequence: RawArray<Int32>
    /// The spellings, by number: one record each, so a new spelling costs one append.
    private(set) var spellings: RawArray<Spelling>

    /// One distinct spelling of the document.
    struct Spelling {
        /// Its hash as written and in lower case.
        var hash: UInt64
        var lowerCaseHash: UInt64
        /// Its occurrences and its length in code points.
        var count: Int32
        var length: Int32
    }
    /// Open addressing over the spellings, at most half full; a slot holds the hash beside the number, so a probe
    /// reads one place.
    private var slots: RawArray<Slot>

    struct Slot {
        var hash: UInt64
        /// The spelling's number + 1; 0: empty.
        var numberPlusOne: Int32
        static let empty = Slot(hash: 0, numberPlusOne: 0)
    }
    private let keepSequence: Bool
    /// Room for lower-casing a word with non-ASCII letters.
    private var lowered: [UInt8] = []

    init(textBytes: Int, keepSequence: Bool) {
        self.keepSequence = keepSequence
        sequence = RawArray(capacity: keepSequence ? textBytes / 6 : 0)
        let spellings = min(textBytes / 8, 4096)
        self.spellings = RawArray(capacity: spellings)
        slots = RawArray(repeating: .empty, count: max(64, (spellings * 2).nextPowerOfTwo))
    }

    /// The number of distinct spellings.
    var spellingCount: Int { spellings.count }

    /// Adds the word at `range` of `text`, `characters` code points long; `ascii` carries its hash when the scan
    /// computed it.
    @inline(__always)
    mutating func add(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, characters: Int, ascii: ASCIIWordHash?) {
        let hash = ascii?.hash ?? ByteHash.of(text, range)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 17) & mask
        var number: Int32
        while true {
            let stored = slots[slot]
            if stored.numberPlusOne == 0 {
                number = Int32(spellings.count)
                slots[slot] = Slot(hash: hash, numberPlusOne: number &+ 1)
                // The lower-case form only for a new spelling (its bytes are still in cache).
                let lowerCase = if let ascii, !ascii.hasCapital { hash } else { ByteHash.ofWord(text, range).1 ?? lowerCaseHash(text, range) }
                spellings.append(Spelling(hash: hash, lowerCaseHash: lowerCase, count: 1, length: Int32(characters)))
                if spellings.count &* 2 > slots.count { grow() }
                break
            }
            if stored.hash == hash {
                number = stored.numberPlusOne - 1
                spellings[Int(number)].count &+= 1
                break
            }
            slot = (slot + 1) & mask
        }
        if keepSequence { sequence.append(number) }
    }

    /// The number of the spelling whose hash as written is `hash`, if there is one.
    func number(ofHash hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 17) & mask
        while true {
            let stored = slots[slot]
            if stored.numberPlusOne == 0 { return nil }
            if stored.hash == hash { return Int(stored.numberPlusOne - 1) }
            slot = (slot + 1) & mask
        }
    }

    /// The number of distinct words ignoring case: spellings already in lower case are distinct from each other; a
    /// spelling with capitals adds one unless its lower-case form is another spelling in lower case or was met before.
    var distinctLowerCaseCount: Int {
        var distinct = 0
        var lowerCaseFormsWithoutSpelling = HashSet(capacity: max(16, spellings.count / 4))
        for number in 0..<spellings.count {
            let lowerCase = spellings[number].lowerCaseHash
            if lowerCase == spellings[number].hash {
                distinct += 1
            } else if let other = self.number(ofHash: lowerCase), spellings[other].lowerCaseHash == spellings[other].hash {
                continue
            } else if lowerCaseFormsWithoutSpelling.insert(lowerCase) {
                distinct += 1
            }
        }
        return distinct
    }

    /// The lower-case hash of a word with non-ASCII letters: each code point lowered (when that is one code point).
    private mutating func lowerCaseHash(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        lowered.removeAll(keepingCapacity: true)
        var position = range.lowerBound
        while position < range.upperBound {
            let (scalar, length) = UTF8Bytes.decode(text, at: position)
            UTF8Bytes.append(CharacterClasses.lowercase(scalar), to: &lowered)
            position += length
        }
        return lowered.withUnsafeBufferPointer { ByteHash.of($0, 0..<$0.count) }
    }

    private mutating func grow() {
        let size = slots.count * 2, mask = size - 1
        slots = RawArray(repeating: .empty, count: size)
        for number in 0..<spellings.count {
            let hash = spellings[number].hash
            var slot = Int(truncatingIfNeeded: hash >> 17) & mask
            while slots[slot].numberPlusOne != 0 { slot = (slot + 1) & mask }
            slots[slot] = Slot(hash: hash, numberPlusOne: Int32(number + 1))
        }
    }
}

/// A growable array of plain values in memory it owns and frees: no reference counting and no copy-on-write
/// checks in the loops that run once per word. Written by hand because `Array`'s uniqueness checks, retains and
/// releases took ≈ 12% of the `stats` stage.
struct RawArray<Element: BitwiseCopyable>: ~Copyable {
    private(set) var count = 0
    private var capacity: Int
    private var base: UnsafeMutablePointer<Element>

    init(capacity: Int) {
        self.capacity = max(capacity, 8)
        base = .allocate(capacity: self.capacity)
    }

    init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    deinit { base.deallocate() }

    subscript(index: Int) -> Element {
        @inline(__always) get {
            precondition(UInt(bitPattern: index) < UInt(count), "RawArray index out of range")
            return base[index]
        }
        @inline(__always) set {
            precondition(UInt(bitPattern: index) < UInt(count), "RawArray index out of range")
            base[index] = newValue
        }
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Keeps the first `newCount` elements.
    mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        count = newCount
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}
