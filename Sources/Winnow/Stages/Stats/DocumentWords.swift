import CProseScan

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

    /// One distinct spelling of the document: its hash as written and in lower case, its occurrences, its length in
    /// code points, whether it has a letter. A C type: the prose kernel (`winnow_prose_run`) writes them too.
    typealias Spelling = WinnowSpelling
    /// Open addressing over the spellings, at most half full; a slot holds the hash beside the number, so a probe
    /// reads one place. The first `slotMask + 1` slots of the thread's `SpellingSlots`: a slot is this document's when
    /// it carries `generation`.
    private let table: SpellingSlots
    private var slots: UnsafeMutablePointer<Slot>
    private var slotMask: Int
    private var generation: UInt32
    private var slotCount: Int { slotMask + 1 }

    /// A spelling's hash beside its number and the generation of the table it belongs to.
    typealias Slot = WinnowSpellingSlot
    private let keepSequence: Bool
    /// The words added.
    private(set) var wordCount = 0
    /// Room for lower-casing a word with non-ASCII letters.
    private var lowered: [UInt8] = []

    init(textBytes: Int, keepSequence: Bool) {
        self.keepSequence = keepSequence
        sequence = RawArray(capacity: keepSequence ? textBytes / 6 : 0)
        let spellings = min(textBytes / 4, 8192)
        self.spellings = RawArray(capacity: spellings)
        table = SpellingSlots.take()
        let size = max(64, (spellings * 2).nextPowerOfTwo)
        (slots, generation) = table.begin(size: size)
        slotMask = size - 1
    }

    deinit { table.release() }

    /// The number of distinct spellings.
    var spellingCount: Int { spellings.count }

    /// Adds the word at `range` of `text`, `characters` code points long; `hash` is its `ByteHash` when the scan
    /// computed it.
    @inline(__always)
    mutating func add(
        _ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, hash knownHash: UInt64?, characters: Int,
        hasLetter: Bool
    ) {
        let hash = knownHash ?? ByteHash.of(text, range)
        let (slot, found) = find(hash)
        if found >= 0 {
            count(found)
        } else {
            // The lower-case form only for a new spelling (its bytes are still in cache).
            let lowerCase = ByteHash.ofWord(text, range).1 ?? lowerCaseHash(text, range)
            insert(
                Spelling(
                    hash: hash, lowerCaseHash: lowerCase, count: 1, length: Int32(truncatingIfNeeded: characters),
                    hasLetter: hasLetter), at: slot)
        }
    }

    /// Takes the prose at `start` of `text` with `winnow_prose_run` (at most about `room` characters, and 256: room
    /// is made for the words it may take before, and the table stays at most half full).
    mutating func takeProse(
        _ text: UnsafeBufferPointer<UInt8>, from start: Int, room: Int, ascii: UnsafePointer<UInt64>
    ) -> WinnowProseRun {
        let room = min(room, 256)
        let wordsAtMost = winnow_prose_run_words_at_most(text.count, start, room)
        spellings.reserve(wordsAtMost)
        while (spellings.count + wordsAtMost) * 2 > slotCount { grow() }
        if keepSequence { sequence.reserve(wordsAtMost) }
        var vocabulary = WinnowVocabulary(
            slots: slots, slotMask: slotMask, generation: generation, spellings: spellings.storage,
            spellingCount: spellings.count, sequence: keepSequence ? sequence.storage : nil,
            sequenceCount: sequence.count, wordCount: wordCount)
        let run = winnow_prose_run(text.baseAddress, text.count, start, room, ascii, &vocabulary)
        spellings.setCount(vocabulary.spellingCount)
        sequence.setCount(vocabulary.sequenceCount)
        wordCount = vocabulary.wordCount
        return run
    }

    /// The spelling with `hash` (its number, or -1) and its slot, or the empty slot where it goes.
    @inline(__always)
    private func find(_ hash: UInt64) -> (slot: Int, number: Int32) {
        var number: Int32 = -1
        let slot = winnow_spelling_slot(slots, slotMask, generation, hash, &number)
        return (slot, number)
    }

    /// One more occurrence of spelling `number`.
    @inline(__always)
    private mutating func count(_ number: Int32) {
        wordCount &+= 1
        spellings[Int(number)].count &+= 1
        if keepSequence { sequence.append(number) }
    }

    /// A new spelling, in the empty slot `slot`.
    @inline(__always)
    private mutating func insert(_ spelling: Spelling, at slot: Int) {
        let number = Int32(truncatingIfNeeded: spellings.count)
        slots[slot] = Slot(hash: spelling.hash, number: number, generation: generation)
        spellings.append(spelling)
        if spellings.count &* 2 > slotCount { grow() }
        wordCount &+= 1
        if keepSequence { sequence.append(number) }
    }

    /// The number of the spelling whose hash as written is `hash`, if there is one.
    func number(ofHash hash: UInt64) -> Int? {
        let number = find(hash).number
        return number >= 0 ? Int(number) : nil
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
            } else if let other = self.number(ofHash: lowerCase),
                spellings[other].lowerCaseHash == spellings[other].hash
            {
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

    /// Twice the slots, in a new generation: the spellings are placed again.
    private mutating func grow() {
        let size = slotCount * 2
        (slots, generation) = table.begin(size: size)
        slotMask = size - 1
        for number in 0..<spellings.count {
            let hash = spellings[number].hash
            var unused: Int32 = -1
            let slot = winnow_spelling_slot(slots, slotMask, generation, hash, &unused)
            slots[slot] = Slot(hash: hash, number: Int32(truncatingIfNeeded: number), generation: generation)
        }
    }
}

/// The slots of the spelling tables: one allocation per thread, used by one document after another. Each document
/// (and each growth of its table) takes a new generation, and a slot is empty unless it carries the current one, so
/// a document costs no clearing: clearing a fresh 32 KB table was ≈ 6% of the `stats` stage. A table nobody on the
/// thread is using is taken; otherwise (a document inside another, which the stages never do) a private one.
final class SpellingSlots {
    typealias Slot = WinnowSpellingSlot
    private var base: UnsafeMutablePointer<Slot>
    private var capacity: Int
    private var generation: UInt32 = 0
    private var inUse = false
    /// A table grown past this for a big document is given back when a smaller one is enough.
    private static let keptCapacity = 1 << 16

    private init() {
        capacity = 1 << 12
        base = .allocate(capacity: capacity)
        base.initialize(repeating: Slot(), count: capacity)
    }

    deinit { base.deallocate() }

    /// The calling thread's table when it is free, else a new one.
    static func take() -> SpellingSlots {
        let table = perThread.value
        if table.inUse { return SpellingSlots() }
        table.inUse = true
        return table
    }

    func release() { inUse = false }

    /// The first `size` slots (a power of two), empty: a new generation.
    func begin(size: Int) -> (slots: UnsafeMutablePointer<Slot>, generation: UInt32) {
        if size > capacity || (capacity > Self.keptCapacity && size <= Self.keptCapacity) {
            base.deallocate()
            capacity = max(size, 1 << 12)
            base = .allocate(capacity: capacity)
            base.initialize(repeating: Slot(), count: capacity)
            generation = 0
        }
        generation &+= 1
        if generation == 0 {
            base.update(repeating: Slot(), count: capacity)
            generation = 1
        }
        return (base, generation)
    }

    private static let perThread = PerThread { SpellingSlots() }
}
