import CProseScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open-addressing set of 64-bit hashes (0 stands for empty; a hash of 0 is stored as 1); grows at half full.
struct HashSet: Sendable {
    private var slots: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int) {
        let size = max(16, (capacity * 2).nextPowerOfTwo)
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Inserts; false when the hash was there already.
    @inline(__always)
    mutating func insert(_ hash: UInt64) -> Bool {
        let key = hash == 0 ? 1 : hash
        var slot = Int(truncatingIfNeeded: key >> 17) & mask
        while true {
            let stored = slots[slot]
            if stored == key { return false }
            if stored == 0 {
                slots[slot] = key
                count += 1
                if count * 2 > slots.count { grow() }
                return true
            }
            slot = (slot + 1) & mask
        }
    }

    var memoryBytes: Int { 8 * slots.count }

    /// Calls `body` with every hash in the set (a stored 1 may stand for 0).
    func forEach(_ body: (UInt64) -> Void) {
        for key in slots where key != 0 { body(key) }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for key in old where key != 0 {
            var slot = Int(truncatingIfNeeded: key >> 17) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = key
        }
    }
}
