/// The keys of the lines a first pass found repeated (`RepeatedLines`, `two_pass`): sorted, with an index of where
/// each run of keys sharing their top bits starts, so a look-up is one index read and a binary search of a few
/// keys. 8 bytes a repeated line of a source, plus 4 bytes an index slot (one slot per key, at most 2²⁴).
struct RepeatedLineSet: Sendable {
    private let keys: [UInt64]
    private let starts: [Int32]
    private let shift: UInt64

    /// `keys` sorted ascending, without repeats.
    init(sortedKeys keys: [UInt64]) {
        self.keys = keys
        let bits = min(24, max(0, Int.bitWidth - (keys.count - 1).leadingZeroBitCount))
        shift = UInt64(64 - bits)
        var starts = [Int32](repeating: 0, count: (1 << bits) + 1)
        var slot = 0
        for (index, key) in keys.enumerated() {
            let top = bits == 0 ? 0 : Int(key >> shift)
            while slot < top { slot += 1; starts[slot] = Int32(index) }
        }
        while slot < 1 << bits { slot += 1; starts[slot] = Int32(keys.count) }
        self.starts = starts
    }

    var count: Int { keys.count }

    func contains(_ key: UInt64) -> Bool {
        let top = shift == 64 ? 0 : Int(key >> shift)
        var low = Int(starts[top]), high = Int(starts[top + 1])
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low < keys.count && keys[low] == key
    }
}

/// `repeated_lines` with `min_repeats_mode: two_pass`, after the first pass: removes each line that the pass counted
/// in at least `min_repeats` documents of its source, from every document that has it. A pure function of one
/// document, so it runs on all jobs.
struct RepeatedLinesRemoval: DocumentStage {
    static let name = RepeatedLines.name
    let repeated: RepeatedLineSet
    let explain: Bool
    let dropEmpty: Bool

    func process(_ document: inout Document) -> Verdict {
        let keys = RepeatedLineKeys.keys(of: &document)
        var flags: [Bool] = []
        for (index, key) in keys.enumerated() where repeated.contains(key) {
            if flags.isEmpty { flags = [Bool](repeating: false, count: keys.count) }
            flags[index] = true
        }
        return RepeatedLines.remove(flags, from: &document, explain: explain, dropEmpty: dropEmpty)
    }
}
