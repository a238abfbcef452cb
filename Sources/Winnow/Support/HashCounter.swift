import CProseScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts hashes and remembers where each was first seen.
struct HashCounter: ~Copyable {
    /// Not private: Swift 6.3 crashes compiling a private type used as `RawArray`'s element from another file.
    struct Slot {
        var key: UInt64
        var count: Int32
        var first: Int32
    }
    /// Key, count and first index side by side: one cache line per probe. A `RawArray`: an `Array` checked its
    /// uniqueness on every addition.
    private var slots: RawArray<Slot>
    private let mask: Int

    init(capacity: Int) {
        let size = max(16, (capacity * 2).nextPowerOfTwo)
        slots = RawArray(repeating: Slot(key: 0, count: 0, first: 0), count: size)
        mask = size - 1
    }

    /// Adds one occurrence; returns the new count and the index of the first occurrence.
    @inline(__always)
    mutating func add(_ hash: UInt64, index: Int) -> (count: Int, first: Int) {
        let key = hash == 0 ? 1 : hash
        var slot = Int(truncatingIfNeeded: key >> 17) & mask
        while true {
            let stored = slots[slot]
            if stored.key == key {
                slots[slot].count &+= 1
                return (Int(stored.count &+ 1), Int(stored.first))
            }
            if stored.key == 0 {
                slots[slot] = Slot(key: key, count: 1, first: Int32(index))
                return (1, index)
            }
            slot = (slot + 1) & mask
        }
    }
}
